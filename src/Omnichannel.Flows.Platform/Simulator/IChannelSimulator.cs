using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Simulator;

/// <summary>
/// Plays a customer on one channel: builds the provider's real webhook payload, signs it as the provider would (with the
/// configured or per-install sandbox secrets) and posts it to this app's own webhook endpoint — the production path.
/// </summary>
public interface IChannelSimulator
{
    ChannelKind Channel { get; }

    /// <summary>What identifies the customer on this channel, for the simulator form ("Phone number", "Email address"…).</summary>
    string CustomerIdLabel { get; }

    /// <summary>An example value for <see cref="CustomerIdLabel"/>.</summary>
    string CustomerIdExample { get; }

    /// <param name="self">An HTTP client whose base address is this app.</param>
    Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The channel identity (<see cref="Contacts.ChannelIdentity.ExternalId"/>) the simulated customer gets, to find their profile.
    /// Asked after <see cref="SendAsync"/>; throws <see cref="ArgumentException"/> for an id the channel cannot have, and
    /// <see cref="InvalidOperationException"/> when the identity only exists once a first message was sent (web chat).
    /// </summary>
    string ExternalIdOf(SimulatedMessage message);
}

/// <param name="CustomerId">Phone, email, user id or handle — whatever <see cref="IChannelSimulator.CustomerIdLabel"/> asks for.</param>
public sealed record SimulatedMessage(string CustomerId, string Text)
{
    public string? DisplayName { get; init; }
    public string? Subject { get; init; }

    /// <summary>Telegram: the customer shares this phone as a contact. Web chat: the phone or email the visitor gives.</summary>
    public string? SharedPhone { get; init; }
    public string? ClaimedEmail { get; init; }

    /// <summary>Web chat: the embedding site vouches for the claimed email/phone (signs identityHash).</summary>
    public bool Vouched { get; init; }
}

/// <summary>What the webhook answered: the simulator shows it, so a failed signature is visible, not silent.</summary>
public sealed record SimulationResult(int StatusCode, string? Detail)
{
    public bool Accepted => StatusCode is >= 200 and < 300;

    /// <summary>The webhook's answer: its status, and its body when it refused.</summary>
    public static async Task<SimulationResult> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new((int)response.StatusCode, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(cancellationToken));
}
