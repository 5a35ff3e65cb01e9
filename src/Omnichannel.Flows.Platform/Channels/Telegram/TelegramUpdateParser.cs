using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary>
/// Reads a Bot API <c>Update</c>. Only new messages in private chats are customer messages; other update kinds (edited
/// messages, callback queries, channel posts, membership changes) and group chats are ignored. Message ids are unique
/// only within a chat, so a message's id is <c>{chat.id}:{message_id}</c>, and the customer is the private chat.
/// </summary>
public sealed class TelegramUpdateParser(PhoneNumberNormalizer phoneNumbers)
{
    public IReadOnlyList<InboundItem> Parse(byte[] body)
    {
        using var document = JsonPayload.ParseObject(body);
        var update = document.RootElement;
        update.RequiredInt64("update_id", "");
        if (!update.TryGetProperty("message", out _))
        {
            return [];
        }

        var message = update.RequiredObject("message", "");
        var chat = message.RequiredObject("chat", "/message");
        var chatId = chat.RequiredInt64("id", "/message/chat");
        var messageId = message.RequiredInt64("message_id", "/message");
        var sentAt = message.RequiredUnixTime("date", "/message");
        if (chat.String("type") != "private")
        {
            return [];
        }

        var from = message.Object("from");
        var (kind, text, details) = ReadContent(message);
        return
        [
            new InboundMessage
            {
                ExternalId = $"{chatId}:{messageId}",
                Customer = Customer(chatId, from, message),
                SentAt = sentAt,
                Kind = kind,
                Text = text,
                Details = details,
            },
        ];
    }

    private CustomerIdentity Customer(long chatId, JsonElement? from, JsonElement message)
    {
        var firstName = from?.String("first_name");
        var lastName = from?.String("last_name");
        var name = string.Join(' ', new[] { firstName, lastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        return new CustomerIdentity(chatId.ToString(CultureInfo.InvariantCulture))
        {
            FirstName = firstName,
            LastName = lastName,
            DisplayName = name.Length > 0 ? name : null,
            Handle = from?.String("username"),
            ProvenPhone = OwnSharedPhone(from?.Int64("id"), message.Object("contact")),
        };
    }

    /// <summary>A contact the user shared is their own number only when its <c>user_id</c> is the sender's id.</summary>
    private string? OwnSharedPhone(long? senderId, JsonElement? contact)
    {
        if (senderId is null || contact?.Int64("user_id") != senderId || contact?.String("phone_number") is not { Length: > 0 } phone)
        {
            return null;
        }

        // Telegram gives international numbers, usually without the '+'.
        return phoneNumbers.Normalize(phone.StartsWith('+') ? phone : "+" + phone);
    }

    private static (MessageKind Kind, string? Text, string? Details) ReadContent(JsonElement message)
    {
        var caption = message.String("caption");
        if (message.String("text") is { } text)
        {
            return (MessageKind.Text, text, null);
        }

        if (message.Array("photo").LastOrDefault() is { ValueKind: JsonValueKind.Object } largest)
        {
            return (MessageKind.Image, caption, largest.GetRawText());
        }

        foreach (var (field, kind) in Media)
        {
            if (message.Object(field) is { } part)
            {
                return (kind, kind == MessageKind.Sticker ? part.String("emoji") : caption, part.GetRawText());
            }
        }

        return (MessageKind.Unsupported, caption, message.GetRawText());
    }

    private static readonly (string Field, MessageKind Kind)[] Media =
    [
        ("document", MessageKind.Document),
        ("voice", MessageKind.Audio),
        ("audio", MessageKind.Audio),
        ("video", MessageKind.Video),
        ("video_note", MessageKind.Video),
        ("sticker", MessageKind.Sticker),
        ("location", MessageKind.Location),
        ("contact", MessageKind.Contacts),
    ];
}
