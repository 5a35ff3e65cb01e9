using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// May this message go to this customer on this channel? Everything that sends asks first — agents' replies, broadcasts,
/// templates, automations. A full opt-out on a channel lets nothing but <see cref="SendPurpose.System"/> through (the
/// opt-out's confirmation, the help answer); a marketing opt-out blocks <see cref="SendPurpose.Marketing"/> only;
/// <see cref="SendPurpose.Transactional"/> passes a full opt-out only when <c>Consent:AllowTransactionalAfterOptOut</c> is on.
/// </summary>
public sealed class ConsentPolicy(FlowsDbContext db, IOptionsMonitor<ConsentOptions> options)
{
    public async Task<ConsentDecision> CheckAsync(Guid contactId, ChannelKind channel, SendPurpose purpose, CancellationToken cancellationToken)
    {
        var blocking = BlockingScopes(purpose);
        if (blocking.Length == 0)
        {
            return ConsentDecision.Allowed;
        }

        var optOuts = await db.ContactConsents.AsNoTracking()
            .Where(c => c.ContactId == contactId && c.Channel == channel && !c.OptedIn && blocking.Contains(c.Scope))
            .ToListAsync(cancellationToken);
        // A full opt-out says more than a marketing one: name it first.
        return optOuts.OrderBy(c => c.Scope).FirstOrDefault() is { } optOut ? ConsentDecision.Blocked(optOut) : ConsentDecision.Allowed;
    }

    /// <summary>
    /// The contacts a <paramref name="purpose"/> message must not reach on <paramref name="channel"/>, as a query to
    /// compose into a recipient query (it runs in the database, e.g. <c>recipients.Where(id => !blocked.Contains(id))</c>).
    /// </summary>
    public IQueryable<Guid> BlockedContactIds(ChannelKind channel, SendPurpose purpose)
    {
        var blocking = BlockingScopes(purpose);
        return db.ContactConsents.AsNoTracking()
            .Where(c => c.Channel == channel && !c.OptedIn && blocking.Contains(c.Scope))
            .Select(c => c.ContactId)
            .Distinct();
    }

    /// <summary><paramref name="contacts"/> without those a <paramref name="purpose"/> message must not reach on <paramref name="channel"/>.</summary>
    public IQueryable<Guid> Reachable(IQueryable<Guid> contacts, ChannelKind channel, SendPurpose purpose)
    {
        var blocked = BlockedContactIds(channel, purpose);
        return contacts.Where(id => !blocked.Contains(id));
    }

    /// <summary>Which of <paramref name="contactIds"/> a <paramref name="purpose"/> message must not reach (for a list already in memory).</summary>
    public async Task<IReadOnlySet<Guid>> BlockedAmongAsync(
        IEnumerable<Guid> contactIds, ChannelKind channel, SendPurpose purpose, CancellationToken cancellationToken)
    {
        var blocked = new HashSet<Guid>();
        if (BlockingScopes(purpose).Length == 0)
        {
            return blocked;
        }

        // Chunks keep the IN list under the providers' parameter limits (SQL Server: 2,100).
        foreach (var chunk in contactIds.Distinct().Chunk(1000))
        {
            blocked.UnionWith(await BlockedContactIds(channel, purpose).Where(id => chunk.Contains(id)).ToListAsync(cancellationToken));
        }

        return blocked;
    }

    /// <summary>The opt-out scopes that stop a message sent for <paramref name="purpose"/>.</summary>
    public ConsentScope[] BlockingScopes(SendPurpose purpose) => purpose switch
    {
        SendPurpose.System => [],
        SendPurpose.Conversation => [ConsentScope.All],
        SendPurpose.Marketing => [ConsentScope.All, ConsentScope.Marketing],
        SendPurpose.Transactional => options.CurrentValue.AllowTransactionalAfterOptOut ? [] : [ConsentScope.All],
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown send purpose."),
    };
}

/// <summary>Why a message is sent, which decides what an opt-out stops.</summary>
/// <remarks><see cref="SendPurposes.Of"/> derives it from who sends and the template's category.</remarks>
public enum SendPurpose
{
    /// <summary>An agent's reply in the conversation (free-form).</summary>
    Conversation,

    /// <summary>Promotions: broadcasts, marketing templates.</summary>
    Marketing,

    /// <summary>Utility and authentication templates, automations (an order update, a one-time code).</summary>
    Transactional,

    /// <summary>The platform's own answers to consent keywords: the opt-out confirmation, the help text.</summary>
    System,
}

public static class SendPurposes
{
    /// <summary>
    /// The purpose of a message from its origin and, when it is a template, the template's category: a marketing template
    /// is marketing whoever sends it, utility and authentication templates are transactional; without a template an
    /// agent converses, an automation is transactional, a broadcast is marketing, the platform's own answers are system.
    /// </summary>
    public static SendPurpose Of(MessageOrigin origin, TemplateCategory? templateCategory) => (origin, templateCategory) switch
    {
        (MessageOrigin.System, _) => SendPurpose.System,
        (_, TemplateCategory.Marketing) => SendPurpose.Marketing,
        (_, TemplateCategory.Utility or TemplateCategory.Authentication) => SendPurpose.Transactional,
        (MessageOrigin.Broadcast, _) => SendPurpose.Marketing,
        (MessageOrigin.Automation, _) => SendPurpose.Transactional,
        _ => SendPurpose.Conversation,
    };
}

/// <summary>The policy's answer: allowed, or blocked by which opt-out (scope, since when, how it came about) and a sentence to show.</summary>
public sealed record ConsentDecision(bool IsAllowed, ConsentScope? OptedOutOf, ConsentSource? Source, DateTime? Since, string? Reason)
{
    public static readonly ConsentDecision Allowed = new(true, null, null, null, null);

    public static ConsentDecision Blocked(ContactConsent optOut) => new(false, optOut.Scope, optOut.Source, optOut.ChangedAt,
        string.Create(CultureInfo.InvariantCulture,
            $"The customer opted out of {(optOut.Scope == ConsentScope.Marketing ? "marketing messages" : "all messages")} on {ChannelOverview.DisplayName(optOut.Channel)} ({ConsentLabels.Source(optOut.Source)}, {optOut.ChangedAt:yyyy-MM-dd HH:mm} UTC)."));
}
