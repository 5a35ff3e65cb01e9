using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Reads a customer's message for consent, inside the transaction that stored it: an SMS STOP opts them out of SMS, a
/// WhatsApp STOP or "Stop promotions" out of marketing on WhatsApp, START back in; HELP asks for the help text. The
/// answers are sent after the commit (<see cref="ConsentFollowUps"/>): the events this adds are published then.
/// </summary>
public sealed class InboundConsentHandler(ConsentKeywords keywords, ConsentLedger ledger)
{
    public async Task HandleAsync(FlowsDbContext db, Message message, List<ConversationEvent> notifications, CancellationToken cancellationToken)
    {
        if (message.Direction != MessageDirection.Inbound)
        {
            return;
        }

        var (keyword, source) = Recognize(message);
        List<ConsentEntry> entries;
        switch (keyword)
        {
            case ConsentKeyword.Help:
                notifications.Add(new ConsentHelpRequested(message.ContactId, message.Channel, message.Id));
                return;
            case ConsentKeyword.OptOut:
                entries = [Entry(message, KeywordScope(message.Channel), optedIn: false, source)];
                break;
            case ConsentKeyword.OptIn:
                // START undoes every opt-out on the channel; a "YES" from someone never opted out is just a yes.
                var optedOut = await ledger.OptedOutScopesAsync(db, message.ContactId, message.Channel, cancellationToken);
                entries = [.. optedOut.Select(scope => Entry(message, scope, optedIn: true, source))];
                break;
            default:
                return;
        }

        var changes = new List<ConsentChange>();
        foreach (var entry in entries)
        {
            if (await ledger.RecordAsync(db, entry, cancellationToken) is { } change)
            {
                changes.Add(change);
            }
        }

        if (changes.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            notifications.AddRange(changes.Select(ConsentChanged.Of));
        }
    }

    /// <summary>SMS keywords are the carriers' and stop everything; WhatsApp's stop marketing (Meta's own opt-out's scope).</summary>
    private static ConsentScope KeywordScope(ChannelKind channel) => channel == ChannelKind.Sms ? ConsentScope.All : ConsentScope.Marketing;

    /// <summary>Whether <paramref name="message"/> is a consent keyword (an opt-out, an opt-in or a request for help).</summary>
    public bool IsKeyword(Message message) => Recognize(message).Keyword != ConsentKeyword.None;

    private (ConsentKeyword Keyword, ConsentSource Source) Recognize(Message message) => (message.Channel, message.Kind) switch
    {
        (ChannelKind.Sms, _) => (keywords.Classify(ChannelKind.Sms, message.Text), ConsentSource.Keyword),
        (ChannelKind.WhatsApp, MessageKind.Text) => (keywords.Classify(ChannelKind.WhatsApp, message.Text), ConsentSource.Keyword),
        (ChannelKind.WhatsApp, MessageKind.Button) when keywords.IsStopPromotions(message.Text, ButtonPayload(message.Details)) =>
            (ConsentKeyword.OptOut, ConsentSource.Button),
        _ => (ConsentKeyword.None, ConsentSource.Keyword),
    };

    /// <summary>A template quick reply's payload: Meta's <c>button: { payload, text }</c>, kept as the message's details.</summary>
    private static string? ButtonPayload(string? details)
    {
        if (details is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(details);
            return document.RootElement.String("payload");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ConsentEntry Entry(Message message, ConsentScope scope, bool optedIn, ConsentSource source) =>
        new(message.ContactId, message.Channel, scope, optedIn, source)
        {
            Detail = message.Text,
            MessageId = message.Id,
            OccurredAt = message.SentAt,
        };
}
