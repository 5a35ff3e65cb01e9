namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// What every channel's options share: the <see cref="Mode"/> (resolved at start when not configured, see
/// <see cref="ChannelModeResolver{TOptions}"/>) and which credentials a live channel needs.
/// </summary>
public abstract class ChannelOptions
{
    public ChannelMode? Mode { get; set; }

    public abstract ChannelKind Channel { get; }

    /// <summary>The configuration keys (relative to the channel section) a live channel needs but lacks.</summary>
    public abstract IEnumerable<string> MissingCredentials();

    /// <summary>True when none of the credentials are configured (the channel was never set up).</summary>
    public abstract bool HasNoCredentials { get; }

    /// <summary>Fill the secrets a sandbox channel verifies webhooks with, where none are configured.</summary>
    public abstract void UseSandboxSecrets(SandboxSecrets secrets);

    public ChannelMode EffectiveMode => Mode ?? ChannelMode.Disabled;

    protected static IEnumerable<string> Missing(params (string Key, string? Value)[] settings) =>
        settings.Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => s.Key);
}
