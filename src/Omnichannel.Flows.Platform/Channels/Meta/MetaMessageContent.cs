using System.Text.Json;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// What a Messenger/Instagram <c>message</c> object shows: text, attachments (their payloads kept as details), or a
/// quick-reply answer. Several attachments are kept as a JSON array, in order; the first one decides the kind.
/// </summary>
public sealed record MetaMessageContent(MessageKind Kind, string? Text, string? Details)
{
    public static MetaMessageContent Read(JsonElement message)
    {
        var text = message.String("text");
        if (message.Boolean("is_unsupported") == true)
        {
            return new(MessageKind.Unsupported, text, message.GetRawText());
        }

        var attachments = message.Array("attachments").ToList();
        if (attachments.Count > 0)
        {
            var details = attachments.Count == 1
                ? DetailsOf(attachments[0])
                : $"[{string.Join(",", attachments.Select(DetailsOf))}]";
            return new(KindOf(attachments[0]), text, details);
        }

        if (message.Object("quick_reply") is { } quickReply)
        {
            return new(MessageKind.Button, text, quickReply.GetRawText());
        }

        // A reply to an Instagram story names the story, not a message: keep it so the agent sees what was answered.
        var story = message.Object("reply_to")?.Object("story");
        return text is null
            ? new(MessageKind.Unsupported, null, message.GetRawText())
            : new(MessageKind.Text, text, story?.GetRawText());
    }

    private static MessageKind KindOf(JsonElement attachment) => attachment.String("type") switch
    {
        "image" when attachment.Object("payload")?.Int64("sticker_id") is not null => MessageKind.Sticker,
        "image" => MessageKind.Image,
        "sticker" => MessageKind.Sticker,
        "video" => MessageKind.Video,
        "audio" => MessageKind.Audio,
        "file" => MessageKind.Document,
        "location" => MessageKind.Location,
        _ => MessageKind.Unsupported,
    };

    /// <summary>Media keep their payload (url, sticker id…); anything else keeps the whole attachment, type included.</summary>
    private static string DetailsOf(JsonElement attachment) =>
        KindOf(attachment) != MessageKind.Unsupported && attachment.Object("payload") is { } payload
            ? payload.GetRawText()
            : attachment.GetRawText();
}
