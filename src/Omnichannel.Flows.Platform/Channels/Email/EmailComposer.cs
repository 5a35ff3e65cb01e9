using MimeKit;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// Builds the MIME message of a reply: plain text, our own Message-ID <c>&lt;{message id}@{domain of FromAddress}&gt;</c>,
/// and In-Reply-To / References pointing at the customer's mail, so their reply threads back to ours.
/// </summary>
public static class EmailComposer
{
    /// <param name="references">The thread the reply continues, oldest first (bracketed ids).</param>
    public static MimeMessage Compose(OutboundMessage message, EmailOptions settings, DateTimeOffset now, IReadOnlyList<string> references)
    {
        var from = MailboxAddress.Parse(settings.FromAddress ?? "");
        from.Name = settings.FromName;
        var mime = new MimeMessage
        {
            Subject = message.EmailSubject ?? "",
            Date = now,
            MessageId = EmailMessageIds.Unbracket(MessageIdOf(message.MessageId, settings)),
            Body = new TextPart("plain") { Text = message.Text ?? "" },
        };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress(message.RecipientName, message.RecipientId));
        if (message.EmailInReplyTo is { } inReplyTo)
        {
            mime.InReplyTo = EmailMessageIds.Unbracket(inReplyTo);
        }

        mime.References.AddRange(references.Select(EmailMessageIds.Unbracket));
        return mime;
    }

    /// <summary>Our Message-ID for a message, bracketed: the same on every attempt, so a receiver can drop a duplicate.</summary>
    public static string MessageIdOf(Guid messageId, EmailOptions settings) =>
        $"<{messageId}@{MailboxAddress.Parse(settings.FromAddress ?? "").Domain}>";
}
