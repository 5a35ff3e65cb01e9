using System.Text;
using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Channels;

/// <summary>The <c>entry[].messaging[]</c> items Messenger and Instagram send, read into channel-neutral items.</summary>
public sealed class MetaMessagingParserTests
{
    private const string Page = "106000000000001";
    private const string Customer = "7000000000000042";
    private const long Timestamp = 1764072000123;
    private static readonly DateTime At = DateTime.UnixEpoch.AddMilliseconds(Timestamp);

    private readonly MetaMessagingParser parser = new();

    [Fact]
    public void Text_FromTheCustomer_IsAnInboundMessageWithMillisecondTime()
    {
        var message = Single<InboundMessage>(Item(Customer, Page, """ "message": { "mid": "m_1", "text": "hi" } """));

        Assert.Equal("m_1", message.ExternalId);
        Assert.Equal(Customer, message.Customer.ExternalId);
        Assert.Null(message.Customer.ProvenPhone);
        Assert.Null(message.Customer.ProvenEmail);
        Assert.Equal(MessageDirection.Inbound, message.Direction);
        Assert.Equal(MessageKind.Text, message.Kind);
        Assert.Equal("hi", message.Text);
        Assert.Equal(At, message.SentAt);
        Assert.Equal(DateTimeKind.Utc, message.SentAt.Kind);
    }

    [Fact]
    public void Echo_IsOutboundToItsRecipient_AndCarriesOurIdFromMetadata()
    {
        var ours = Guid.NewGuid();

        var echo = Single<InboundMessage>(Item(Page, Customer, $$"""
            "message": { "mid": "m_2", "is_echo": true, "app_id": 1517776481860111, "metadata": "{{ours}}", "text": "on its way" }
            """));

        Assert.Equal(MessageDirection.Outbound, echo.Direction);
        Assert.Equal(Customer, echo.Customer.ExternalId);
        Assert.Equal(ours, echo.CorrelationId);
    }

    [Fact]
    public void Echo_WithForeignMetadata_HasNoCorrelation()
    {
        var echo = Single<InboundMessage>(Item(Page, Customer, """
            "message": { "mid": "m_3", "is_echo": true, "metadata": "some other app's note", "text": "x" }
            """));

        Assert.Null(echo.CorrelationId);
    }

    [Fact]
    public void SeveralAttachments_AreKeptInOrder_TheFirstDecidingTheKind()
    {
        var message = Single<InboundMessage>(Item(Customer, Page, """
            "message": { "mid": "m_4", "attachments": [
              { "type": "image", "payload": { "url": "https://cdn.example/1.jpg" } },
              { "type": "image", "payload": { "url": "https://cdn.example/2.jpg" } } ] }
            """));

        Assert.Equal(MessageKind.Image, message.Kind);
        var urls = JsonDocument.Parse(message.Details!).RootElement.EnumerateArray().Select(p => p.GetProperty("url").GetString());
        Assert.Equal(["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"], urls);
    }

    [Theory]
    [InlineData("""{ "type": "image", "payload": { "url": "https://cdn.example/s.png", "sticker_id": 369239263222822 } }""", MessageKind.Sticker)]
    [InlineData("""{ "type": "file", "payload": { "url": "https://cdn.example/invoice.pdf" } }""", MessageKind.Document)]
    [InlineData("""{ "type": "story_mention", "payload": { "url": "https://cdn.example/story" } }""", MessageKind.Unsupported)]
    public void Attachment_KindFollowsItsType(string attachment, MessageKind kind)
    {
        var message = Single<InboundMessage>(Item(Customer, Page, $$""" "message": { "mid": "m_5", "attachments": [{{attachment}}] } """));

        Assert.Equal(kind, message.Kind);
    }

    [Fact]
    public void UnsupportedAttachment_KeepsItsType()
    {
        var message = Single<InboundMessage>(Item(Customer, Page, """
            "message": { "mid": "m_6", "attachments": [{ "type": "ig_reel", "payload": { "reel_video_id": "1789" } }] }
            """));

        Assert.Equal("ig_reel", JsonDocument.Parse(message.Details!).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void ReplyToAStory_KeepsTheStory()
    {
        var message = Single<InboundMessage>(Item(Customer, Page, """
            "message": { "mid": "m_7", "text": "love it", "reply_to": { "story": { "url": "https://cdn.example/story", "id": "1790" } } }
            """));

        Assert.Null(message.ReplyToExternalId);
        Assert.Equal("1790", JsonDocument.Parse(message.Details!).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public void PostbackWithoutMid_IsIdentifiedBySenderAndTime()
    {
        var postback = Single<InboundMessage>(Item(Customer, Page, """ "postback": { "title": "Get started", "payload": "GET_STARTED" } """));

        Assert.Equal($"postback:{Customer}:{Timestamp}", postback.ExternalId);
        Assert.Equal(MessageKind.Interactive, postback.Kind);
        Assert.Equal("Get started", postback.Text);
    }

    [Fact]
    public void Unreact_IsAReactionWithoutEmoji()
    {
        var reaction = Single<InboundMessage>(Item(Customer, Page, """ "reaction": { "mid": "m_8", "action": "unreact" } """));

        Assert.Equal(MessageKind.Reaction, reaction.Kind);
        Assert.Null(reaction.Text);
        Assert.Equal("m_8", reaction.ReplyToExternalId);
    }

    [Fact]
    public void Delivery_IsADeliveredStatusPerMid()
    {
        var statuses = parser.Parse(Envelope("page", Item(Customer, Page, $$""" "delivery": { "mids": ["m_9", "m_10"], "watermark": {{Timestamp - 5}} } """)));

        Assert.Equal(["m_9", "m_10"], statuses.Cast<InboundStatus>().Select(s => s.ExternalId));
        Assert.All(statuses.Cast<InboundStatus>(), s => Assert.Equal(DeliveryStatus.Delivered, s.Status));
        Assert.All(statuses.Cast<InboundStatus>(), s => Assert.Equal(At.AddMilliseconds(-5), s.OccurredAt));
    }

    [Fact]
    public void Read_IsAWatermarkForTheCustomer()
    {
        var read = Single<InboundReadWatermark>(Item(Customer, Page, $$""" "read": { "watermark": {{Timestamp - 1000}} } """));

        Assert.Equal(Customer, read.CustomerExternalId);
        Assert.Equal(At.AddSeconds(-1), read.ReadUpTo);
        Assert.Null(read.UpToExternalId);
    }

    [Fact]
    public void InstagramSeen_NamesTheMessageSeen()
    {
        var read = Single<InboundReadWatermark>(Item(Customer, Page, """ "read": { "mid": "m_11" } """), "instagram");

        Assert.Null(read.ReadUpTo);
        Assert.Equal("m_11", read.UpToExternalId);
    }

    [Fact]
    public void OtherItemKinds_AndDeletedMessages_AreSkipped()
    {
        var items = parser.Parse(Envelope("page",
            Item(Customer, Page, """ "optin": { "type": "notification_messages" } """),
            Item(Customer, Page, """ "referral": { "ref": "summer", "source": "SHORTLINK" } """),
            Item(Customer, Page, """ "message": { "mid": "m_12", "is_deleted": true } """)));

        Assert.Empty(items);
    }

    [Theory]
    [InlineData(""" { "recipient": { "id": "1" }, "timestamp": 1, "message": { "mid": "m", "text": "t" } } """, "/entry/0/messaging/0/sender/id")]
    [InlineData(""" { "sender": { "id": "1" }, "recipient": { "id": "2" }, "message": { "mid": "m", "text": "t" } } """, "/entry/0/messaging/0/timestamp")]
    [InlineData(""" { "sender": { "id": "1" }, "recipient": { "id": "2" }, "timestamp": 1, "message": { "text": "t" } } """, "/entry/0/messaging/0/message/mid")]
    [InlineData(""" { "sender": { "id": "1" }, "recipient": { "id": "2" }, "timestamp": 1, "read": { } } """, "/entry/0/messaging/0/read")]
    public void MalformedItem_ThrowsWithAPointer(string item, string pointer)
    {
        var exception = Assert.Throws<InboundPayloadException>(() => parser.Parse(Envelope("page", item)));

        Assert.Equal(pointer, exception.Pointer);
    }

    [Fact]
    public void NotJson_Throws()
    {
        Assert.Throws<InboundPayloadException>(() => parser.Parse(Encoding.UTF8.GetBytes("{ nope")));
    }

    private T Single<T>(string item, string envelopeObject = "page") where T : InboundItem =>
        Assert.IsType<T>(Assert.Single(parser.Parse(Envelope(envelopeObject, item))));

    private static byte[] Envelope(string envelopeObject, params string[] items) => Encoding.UTF8.GetBytes($$"""
        { "object": "{{envelopeObject}}", "entry": [{ "id": "{{Page}}", "time": {{Timestamp}}, "messaging": [{{string.Join(",", items)}}] }] }
        """);

    private static string Item(string sender, string recipient, string eventJson) => $$"""
        { "sender": { "id": "{{sender}}" }, "recipient": { "id": "{{recipient}}" }, "timestamp": {{Timestamp}}, {{eventJson}} }
        """;
}
