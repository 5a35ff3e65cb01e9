using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Components.Contacts;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

public sealed class MessageDetailsSummaryTests
{
    [Theory]
    [InlineData(MessageKind.Document, """{ "id": "M1", "filename": "invoice.pdf", "mime_type": "application/pdf" }""", "invoice.pdf · application/pdf · media id M1")]
    [InlineData(MessageKind.Location, """{ "latitude": 52.516275, "longitude": 13.377704, "name": "Brandenburger Tor", "address": "Pariser Platz" }""",
        "Brandenburger Tor · Pariser Platz · 52.51628, 13.3777")]
    [InlineData(MessageKind.Interactive, """{ "type": "button_reply", "button_reply": { "id": "confirm-1", "title": "Yes, deliver" } }""",
        "button reply \u201cYes, deliver\u201d · id confirm-1")]
    [InlineData(MessageKind.Interactive, """{ "type": "list_reply", "list_reply": { "id": "slot-2", "title": "Tuesday", "description": "9-12" } }""",
        "list reply \u201cTuesday\u201d · 9-12 · id slot-2")]
    [InlineData(MessageKind.Button, """{ "text": "Stop promotions", "payload": "STOP" }""", "\u201cStop promotions\u201d · payload STOP")]
    [InlineData(MessageKind.Reaction, """{ "message_id": "wamid.X", "emoji": "👍" }""", "reacted 👍")]
    [InlineData(MessageKind.Contacts, """[{ "name": { "formatted_name": "Anna Example" }, "phones": [{ "phone": "+49 151 1234" }] }]""",
        "shared contact: Anna Example (+49 151 1234)")]
    [InlineData(MessageKind.Unsupported, """{ "from": "49151", "type": "order" }""", "unsupported message type 'order'")]
    [InlineData(MessageKind.Template, """{ "name": "order_shipped", "language": "de", "components": [] }""", "name: order_shipped · language: de")]
    public void Summarize_KnownShapes_SaysWhatTheMessageCarried(MessageKind kind, string details, string expected) =>
        Assert.Equal(expected, MessageDetailsSummary.Summarize(kind, details));

    [Theory]
    [InlineData(MessageKind.Text, """{ "body": "hi" }""")]
    [InlineData(MessageKind.Image, null)]
    [InlineData(MessageKind.Image, "not json")]
    [InlineData(MessageKind.Image, "{}")]
    public void Summarize_TextOrNothingReadable_IsNull(MessageKind kind, string? details) =>
        Assert.Null(MessageDetailsSummary.Summarize(kind, details));
}
