using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MimeKit;
using MimeKit.Utils;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// Reads an inbound-parse form into one message. The envelope <c>sender</c> is the proven address (the From header's
/// address when there is none), the display name comes from <c>from</c>; the text is the reply without quoted history
/// (<c>stripped-text</c>) or the plain body — HTML stays out of it, and only when a mail has no text part is its HTML
/// reduced to text. Header fields missing from the form are looked up in <c>message-headers</c>.
/// </summary>
public sealed class EmailPayloadParser
{
    private const int MaxExternalIdLength = 256;
    private const int MaxSubjectLength = 500;

    /// <summary>The cheap check done before answering: someone to attribute the mail to.</summary>
    public static WebhookVerdict InspectShape(EmailForm form) =>
        SenderAddress(form) is null
            ? WebhookVerdict.Malformed("sender (or the address in from) must be an email address.", "sender")
            : WebhookVerdict.Accepted;

    public InboundMessage Parse(EmailForm form)
    {
        var headers = new MessageHeaders(form["message-headers"]);
        var address = SenderAddress(form) ?? throw new InboundPayloadException("sender must be an email address.", "sender");
        var messageId = EmailMessageIds.Parse(form["Message-Id"] ?? headers["Message-Id"]) ?? SyntheticMessageId(form, address);
        var subject = form["subject"] ?? headers["Subject"];
        return new InboundMessage
        {
            ExternalId = messageId.Length <= MaxExternalIdLength ? messageId : $"sha256:{Hash(messageId)}",
            Customer = new CustomerIdentity(address) { DisplayName = DisplayName(form), ProvenEmail = address },
            SentAt = SentAt(form, headers),
            Kind = MessageKind.Email,
            Text = form["stripped-text"] ?? form["body-plain"] ?? HtmlText.ToPlainText(form["body-html"]),
            Details = Details(form.Attachments),
            EmailSubject = subject is { Length: > MaxSubjectLength } ? subject[..MaxSubjectLength] : subject,
            EmailMessageId = messageId,
            EmailInReplyTo = EmailMessageIds.Parse(form["In-Reply-To"] ?? headers["In-Reply-To"]),
            EmailReferences = EmailMessageIds.ParseList(form["References"] ?? headers["References"]),
        };
    }

    private static string? SenderAddress(EmailForm form) =>
        EmailAddresses.Normalize(form["sender"]) ?? EmailAddresses.Normalize(FromMailbox(form)?.Address);

    private static string? DisplayName(EmailForm form) => FromMailbox(form)?.Name is { Length: > 0 } name ? name.Trim() : null;

    private static MailboxAddress? FromMailbox(EmailForm form) =>
        form["from"] is { } from && MailboxAddress.TryParse(from, out var mailbox) ? mailbox : null;

    /// <summary>The Date header when it parses, else the provider's <c>timestamp</c>.</summary>
    private static DateTime SentAt(EmailForm form, MessageHeaders headers)
    {
        if ((form["Date"] ?? headers["Date"]) is { } date && DateUtils.TryParse(date, out var parsed))
        {
            return parsed.UtcDateTime;
        }

        return long.TryParse(form["timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTime.UnixEpoch.AddSeconds(seconds)
            : throw new InboundPayloadException("Neither a Date header nor a unix-seconds timestamp.", "timestamp");
    }

    private static string? Details(IReadOnlyList<EmailAttachment> attachments) =>
        attachments.Count == 0
            ? null
            : JsonSerializer.Serialize(new { attachments = attachments.Select(a => new { name = a.Name, type = a.Type, size = a.Size }) });

    /// <summary>A mail without a Message-ID (rare; MTAs add one) gets one from its content, so redeliveries still dedupe.</summary>
    private static string SyntheticMessageId(EmailForm form, string address) =>
        $"<{Hash($"{address}\n{form["Date"]}\n{form["subject"]}\n{form["body-plain"]}")[..32]}@no-message-id.invalid>";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The <c>message-headers</c> field: a JSON array of [name, value] pairs, first occurrence wins.</summary>
    private sealed class MessageHeaders(string? json)
    {
        private readonly Lazy<Dictionary<string, string>> byName = new(() => Read(json));

        public string? this[string name] => byName.Value.TryGetValue(name, out var value) ? value : null;

        private static Dictionary<string, string> Read(string? json)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (string.IsNullOrWhiteSpace(json))
            {
                return headers;
            }

            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    return headers;
                }

                foreach (var pair in document.RootElement.EnumerateArray())
                {
                    if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 &&
                        pair[0].ValueKind == JsonValueKind.String && pair[1].ValueKind == JsonValueKind.String)
                    {
                        headers.TryAdd(pair[0].GetString()!, pair[1].GetString()!);
                    }
                }
            }
            catch (JsonException)
            {
                // Lenient: the named form fields are enough without it.
            }

            return headers;
        }
    }
}
