using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.ServiceWindows;

/// <summary>One channel a customer can be reached on, now: its service window and whether they opted out.</summary>
/// <param name="PricingPhone">The WhatsApp recipient's number in E.164, which decides the pricing market; null on other channels.</param>
public sealed record ContactChannelState(ChannelKind Channel, ChannelWindow Window, bool OptedOut, string? PricingPhone)
{
    public ContactChannelView ToView() => new(Channel, Window.Open, Window.HasWindow ? Window.ClosesAt : null, Window.HumanAgentUntil, OptedOut);
}

/// <summary>
/// Where a customer can be reached and whether each window is open: what <c>GET /api/contacts/{id}/channels</c> answers,
/// what the reply box shows and what a template's cost for the customer depends on.
/// </summary>
public sealed class ContactChannelStates(
    FlowsDbContext db, ContactQueries contacts, RecipientResolver recipients, ServiceWindowPolicy windows,
    ConsentPolicy consent, TimeProvider time)
{
    /// <returns>Every reachable channel's state; null when there is no such contact (a merged-away id answers for its survivor).</returns>
    public async Task<IReadOnlyList<ContactChannelState>?> ListAsync(Guid contactId, CancellationToken cancellationToken)
    {
        if (await contacts.ResolveSurvivorAsync(contactId, cancellationToken) is not { } survivor)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var items = new List<ContactChannelState>();
        foreach (var channel in await recipients.ReachableChannelsAsync(db, survivor, cancellationToken))
        {
            var identity = await recipients.ResolveAsync(db, survivor, channel, cancellationToken);
            items.Add(await StateAsync(survivor, channel, identity, now, cancellationToken));
        }

        // Resolving may derive identities (a phone's SMS identity) for the first time: keep them.
        await db.SaveChangesAsync(cancellationToken);
        return items;
    }

    /// <param name="contactId">A surviving profile (see <see cref="ContactQueries.ResolveSurvivorAsync"/>).</param>
    /// <returns>The channel's state; null when the customer cannot be reached on it (no identity, phone or email for it).</returns>
    public async Task<ContactChannelState?> ForAsync(Guid contactId, ChannelKind channel, CancellationToken cancellationToken)
    {
        var identity = await recipients.ResolveAsync(db, contactId, channel, cancellationToken);
        return identity is null ? null : await StateAsync(contactId, channel, identity, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    private async Task<ContactChannelState> StateAsync(Guid contactId, ChannelKind channel, ChannelIdentity? identity, DateTime now,
        CancellationToken cancellationToken)
    {
        var window = windows.Evaluate(channel, identity?.LastInboundAt, identity?.LastInboundFromFreeEntryPoint ?? false, now);
        // Opted out = an agent may not write at all; a marketing-only opt-out still allows conversation.
        var conversation = await consent.CheckAsync(contactId, channel, SendPurpose.Conversation, cancellationToken);
        var optedOut = !conversation.IsAllowed;

        var phone = channel == ChannelKind.WhatsApp && identity is { ExternalId: { Length: > 0 } waId } && waId.All(char.IsAsciiDigit) ? "+" + waId : null;
        return new ContactChannelState(channel, window, optedOut, phone);
    }
}
