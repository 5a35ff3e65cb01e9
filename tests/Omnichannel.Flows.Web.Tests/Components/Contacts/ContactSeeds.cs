using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

/// <summary>
/// Puts customers and messages in the app's database. WhatsApp goes through the signed webhook as Meta sends it; the
/// channels this build has no adapter for yet are stored as their adapters would store them.
/// </summary>
public static class ContactSeeds
{
    /// <returns>The contact the message landed on.</returns>
    public static async Task<Guid> CustomerWritesOnWhatsAppAsync(
        this FlowsAppFactory app, string phone, string name, DateTimeOffset sentAt, string messageJson)
    {
        var body = WhatsAppPayloads.Message(phone.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", sentAt, messageJson, name);
        (await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        return db.ContactPhones.Where(p => p.Number == phone).Select(p => p.ContactId).Single();
    }

    public static Task<Guid> CustomerTextsOnWhatsAppAsync(this FlowsAppFactory app, string phone, string name, DateTimeOffset sentAt, string text) =>
        app.CustomerWritesOnWhatsAppAsync(phone, name, sentAt, $$"""
            "type": "text", "text": { "body": {{System.Text.Json.JsonSerializer.Serialize(text)}} }
            """);

    /// <summary>A customer known only by an email address (as the email channel records a sender).</summary>
    public static async Task<Guid> EmailCustomerAsync(this FlowsAppFactory app, string name, string address, DateTime lastWroteAt)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var contact = new Contact { DisplayName = name, CreatedAt = now, UpdatedAt = now };
        contact.Emails.Add(new ContactEmail { Address = address, Verified = true, AddedAt = now });
        contact.Identities.Add(new ChannelIdentity { Channel = ChannelKind.Email, ExternalId = address, CreatedAt = now, LastSeenAt = now });
        await using var db = await app.CreateDbContextAsync();
        db.Contacts.Add(contact);
        db.Conversations.Add(new Conversation
        {
            ContactId = contact.Id, CreatedAt = now, UpdatedAt = now, LastCustomerMessageAt = lastWroteAt, LastCustomerChannel = ChannelKind.Email,
        });
        await db.SaveChangesAsync();
        return contact.Id;
    }

    /// <summary>A message as a channel adapter stores it; outbound ones default to an agent's.</summary>
    public static async Task<Guid> AddMessageAsync(this FlowsAppFactory app, Guid contactId, ChannelKind channel, MessageDirection direction,
        DateTime sentAt, string text, DeliveryStatus status, MessageOrigin? origin = null, string? authorName = null, string? subject = null,
        string? errorCode = null, string? errorReason = null)
    {
        var message = new Message
        {
            ContactId = contactId,
            Channel = channel,
            Direction = direction,
            Origin = origin ?? (direction == MessageDirection.Inbound ? MessageOrigin.Customer : MessageOrigin.Agent),
            AuthorName = authorName,
            Text = text,
            EmailSubject = subject,
            SentAt = sentAt,
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            Status = status,
            StatusAt = sentAt,
            ErrorCode = errorCode,
            ErrorReason = errorReason,
            ExternalId = $"seed-{Guid.NewGuid():N}",
        };
        await using var db = await app.CreateDbContextAsync();
        db.Messages.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }
}
