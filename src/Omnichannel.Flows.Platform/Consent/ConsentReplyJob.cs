using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Answers consent keywords through <see cref="MessageSender"/> as <see cref="MessageOrigin.System"/>: the opt-out's
/// confirmation (the one message allowed after STOP) and the help text. Safe to run twice: a keyword already answered
/// (a system message with that text queued since) is not answered again — which also keeps a burst of HELPs to one answer.
/// </summary>
public sealed class ConsentReplyJob(
    FlowsDbContext db, MessageSender sender, IOptionsMonitor<ConsentOptions> options, ILogger<ConsentReplyJob> logger)
{
    public const string AuthorName = "Consent";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Confirm opt-out {0}")]
    public async Task ConfirmOptOutAsync(Guid changeId, CancellationToken cancellationToken)
    {
        var change = await db.ConsentChanges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        var text = change is null ? null : Confirmation(change.Channel, change.Scope);
        // Not when the customer has opted back in meanwhile: the confirmation would contradict them.
        if (change is null || string.IsNullOrWhiteSpace(text)
            || !await db.ContactConsents.AnyAsync(c => c.ContactId == change.ContactId && c.ChangeId == change.Id, cancellationToken))
        {
            return;
        }

        await ReplyAsync(change.ContactId, change.Channel, text, change.RecordedAt, cancellationToken);
    }

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Answer help keyword {0}")]
    public async Task AnswerHelpAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var asked = await db.Messages.AsNoTracking().Where(m => m.Id == messageId)
            .Select(m => new { m.ContactId, m.Channel, m.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        var text = options.CurrentValue.HelpText;
        if (asked is null || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        await ReplyAsync(asked.ContactId, asked.Channel, text, asked.CreatedAt, cancellationToken);
    }

    /// <summary>The confirmation of an opt-out by keyword or button; null when none is configured for it.</summary>
    private string? Confirmation(ChannelKind channel, ConsentScope scope) => scope == ConsentScope.All
        ? options.CurrentValue.OptOutConfirmation
        : options.CurrentValue.MarketingOptOutConfirmation;

    private async Task ReplyAsync(Guid contactId, ChannelKind channel, string text, DateTime askedAt, CancellationToken cancellationToken)
    {
        var answered = await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Channel == channel
            && m.Origin == MessageOrigin.System && m.Text == text && m.CreatedAt >= askedAt, cancellationToken);
        if (answered)
        {
            return;
        }

        var result = await sender.QueueTextAsync(new SendTextRequest(contactId, channel, text, MessageOrigin.System) { AuthorName = AuthorName }, cancellationToken);
        if (result.Refusal is { } refusal)
        {
            logger.LogWarning("Consent answer to contact {ContactId} on {Channel} not sent: {Refusal} {Detail}", contactId, channel, refusal, result.Detail);
        }
    }
}
