namespace Omnichannel.Flows.Platform.Channels;

/// <summary>How a channel adapter behaves.</summary>
public enum ChannelMode
{
    /// <summary>Talks to the provider with the configured credentials.</summary>
    Live,
    /// <summary>Records sends without a network call; webhooks are signed with per-install secrets (see the simulator).</summary>
    Sandbox,
    /// <summary>Webhooks answer 404 and sends are refused.</summary>
    Disabled,
}
