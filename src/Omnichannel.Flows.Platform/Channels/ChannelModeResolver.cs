using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// Resolves a channel's mode when none is configured: Live when any credential is configured (then all must be, see
/// <see cref="ChannelCredentialsValidator{TOptions}"/>), Sandbox in Development, Disabled otherwise.
/// A sandbox channel verifies webhooks with per-install secrets unless secrets are configured.
/// </summary>
internal sealed class ChannelModeResolver<TOptions>(IHostEnvironment environment, SandboxSecrets sandboxSecrets)
    : IPostConfigureOptions<TOptions> where TOptions : ChannelOptions
{
    public void PostConfigure(string? name, TOptions options)
    {
        options.Mode ??= options.HasNoCredentials
            ? environment.IsDevelopment() ? ChannelMode.Sandbox : ChannelMode.Disabled
            : ChannelMode.Live;

        if (options.Mode == ChannelMode.Sandbox)
        {
            options.UseSandboxSecrets(sandboxSecrets);
        }
    }
}

/// <summary>A live channel with incomplete credentials stops the app at start: no silent drops.</summary>
internal sealed class ChannelCredentialsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : ChannelOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (options.Mode != ChannelMode.Live)
        {
            return ValidateOptionsResult.Success;
        }

        var missing = options.MissingCredentials().Select(key => $"{section}:{key}").ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"The {options.Channel.ToName()} channel is Live but lacks {string.Join(", ", missing)}. " +
                $"Configure them, or set {section}:Mode to Sandbox or Disabled.");
    }
}
