using System.Text.Json;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>
/// Reads a Business Messaging webhook: <c>{ client_key, event, create_time, user_openid (the business), content }</c>
/// where <c>content</c> is a JSON <em>string</em> to parse again. Only <c>im_receive_msg</c> (a user wrote to the
/// business) is a customer message; other events are ignored. Its content:
/// <c>{ conversation_id, message_id, timestamp (ms), type, text: { body } | image: { media_id } | share_post: { embed_url },
/// from, from_user: { id }, to, to_user: { id } }</c>. Replies go to the conversation, so the conversation is the customer's identity.
/// </summary>
public sealed class TikTokEventParser(IOptions<TikTokOptions> options)
{
    public const string ReceiveMessageEvent = "im_receive_msg";

    public IReadOnlyList<InboundItem> Parse(byte[] body)
    {
        using var document = JsonPayload.ParseObject(body);
        var root = document.RootElement;
        var kind = root.RequiredString("event", "");
        var business = options.Value.BusinessId;
        if (kind != ReceiveMessageEvent || (!string.IsNullOrEmpty(business) && root.String("user_openid") is { } account && account != business))
        {
            return [];
        }

        var json = root.RequiredString("content", "");
        using var contentDocument = JsonPayload.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), "/content");
        var content = contentDocument.RootElement;
        var conversation = content.RequiredString("conversation_id", "/content");
        var sender = content.String("from");
        var (messageKind, text, details) = ReadContent(content);
        return
        [
            new InboundMessage
            {
                ExternalId = content.RequiredString("message_id", "/content"),
                Customer = new CustomerIdentity(conversation) { DisplayName = sender, Handle = sender },
                SentAt = content.RequiredUnixTime("timestamp", "/content", milliseconds: true),
                Kind = messageKind,
                Text = text,
                Details = details,
            },
        ];
    }

    private static (MessageKind Kind, string? Text, string? Details) ReadContent(JsonElement content)
    {
        var type = content.String("type");
        var part = type is null ? null : content.Object(type);
        return type switch
        {
            "text" => (MessageKind.Text, part?.String("body"), null),
            "image" => (MessageKind.Image, null, part?.GetRawText()),
            "sticker" => (MessageKind.Sticker, null, part?.GetRawText()),
            // A shared TikTok video: its link is what an agent needs to see.
            "share_post" => (MessageKind.Text, part?.String("embed_url"), part?.GetRawText()),
            _ => (MessageKind.Unsupported, null, content.GetRawText()),
        };
    }
}
