using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>What Messenger and Instagram deliveries become in the customer's thread: texts, media, buttons, replies, echoes.</summary>
public sealed class MetaMessagingContentTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task TextMessages_AreStoredUnderOneProfilePerScopedId(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var otherCustomer = MetaPayloads.NewScopedId();
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(app.Clock.GetUtcNow().AddMinutes(-3).ToUnixTimeMilliseconds() + 123);
        var first = MetaPayloads.NewMid();

        var response = await channel.PostAsync(client,
            MetaPayloads.Text(customer, first, sentAt, "Do you ship to Austria?"),
            MetaPayloads.Text(customer, MetaPayloads.NewMid(), sentAt.AddSeconds(5), "And how long does it take?"),
            MetaPayloads.Text(otherCustomer, MetaPayloads.NewMid(), sentAt, "Someone else"));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == channel.Channel && i.ExternalId == customer);
        var contact = await db.Contacts.Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Identities)
            .SingleAsync(c => c.Id == identity.ContactId);
        Assert.Single(contact.Identities);
        Assert.Empty(contact.Phones);
        Assert.Empty(contact.Emails);
        var messages = await db.Messages.Where(m => m.ContactId == contact.Id).OrderBy(m => m.SentAt).ToListAsync();
        Assert.Equal(["Do you ship to Austria?", "And how long does it take?"], messages.Select(m => m.Text));
        Assert.All(messages, m => Assert.Equal(MessageDirection.Inbound, m.Direction));
        Assert.Equal(first, messages[0].ExternalId);
        Assert.Equal(sentAt.UtcDateTime, messages[0].SentAt);
        var other = await db.ChannelIdentities.SingleAsync(i => i.Channel == channel.Channel && i.ExternalId == otherCustomer);
        Assert.NotEqual(contact.Id, other.ContactId);
    }

    [Theory]
    [InlineData("messenger", "image", MessageKind.Image)]
    [InlineData("messenger", "file", MessageKind.Document)]
    [InlineData("instagram", "video", MessageKind.Video)]
    [InlineData("instagram", "audio", MessageKind.Audio)]
    public async Task Attachment_IsStoredWithItsKindAndPayload(string name, string type, MessageKind kind)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var mid = MetaPayloads.NewMid();
        var url = $"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id={mid}";

        await channel.PostAsync(client, MetaPayloads.FromCustomer(MetaPayloads.NewScopedId(), app.Clock.GetUtcNow(), $$"""
            "message": { "mid": "{{mid}}", "attachments": [{ "type": "{{type}}", "payload": { "url": "{{url}}" } }] }
            """));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == mid);
        Assert.Equal(kind, message.Kind);
        Assert.Null(message.Text);
        Assert.Equal(url, JsonDocument.Parse(message.Details!).RootElement.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task Postback_IsStoredAsInteractiveWithTitleAndPayload(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var mid = MetaPayloads.NewMid();

        await channel.PostAsync(client, MetaPayloads.FromCustomer(MetaPayloads.NewScopedId(), app.Clock.GetUtcNow(), $$"""
            "postback": { "mid": "{{mid}}", "title": "Track my order", "payload": "TRACK_ORDER" }
            """));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == mid);
        Assert.Equal(MessageKind.Interactive, message.Kind);
        Assert.Equal("Track my order", message.Text);
        Assert.Equal("TRACK_ORDER", JsonDocument.Parse(message.Details!).RootElement.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task QuickReply_KeepsTheButtonsPayload()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var mid = MetaPayloads.NewMid();

        await channel.PostAsync(client, MetaPayloads.FromCustomer(MetaPayloads.NewScopedId(), app.Clock.GetUtcNow(), $$"""
            "message": { "mid": "{{mid}}", "text": "Yes, please", "quick_reply": { "payload": "CONFIRM_YES" } }
            """));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == mid);
        Assert.Equal(MessageKind.Button, message.Kind);
        Assert.Equal("Yes, please", message.Text);
        Assert.Equal("CONFIRM_YES", JsonDocument.Parse(message.Details!).RootElement.GetProperty("payload").GetString());
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task ReplyAndReaction_PointAtTheMessageTheyAnswer(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var original = MetaPayloads.NewMid();
        var reply = MetaPayloads.NewMid();
        var now = app.Clock.GetUtcNow();
        await channel.PostAsync(client, MetaPayloads.Text(customer, original, now.AddMinutes(-1), "My parcel is damaged"));
        await app.WaitForInboundProcessingAsync();

        await channel.PostAsync(client,
            MetaPayloads.FromCustomer(customer, now, $$""" "message": { "mid": "{{reply}}", "text": "see above", "reply_to": { "mid": "{{original}}" } } """),
            MetaPayloads.FromCustomer(customer, now.AddSeconds(1), $$""" "reaction": { "mid": "{{original}}", "action": "react", "reaction": "love", "emoji": "❤" } """));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var originalId = await db.Messages.Where(m => m.ExternalId == original).Select(m => m.Id).SingleAsync();
        var stored = await db.Messages.SingleAsync(m => m.ExternalId == reply);
        Assert.Equal(originalId, stored.ReplyToMessageId);
        var reaction = await db.Messages.SingleAsync(m => m.ContactId == stored.ContactId && m.Kind == MessageKind.Reaction);
        Assert.Equal("❤", reaction.Text);
        Assert.Equal(originalId, reaction.ReplyToMessageId);
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task EchoOfAMessageSentOutsideTheApp_IsStoredOutboundInTheCustomersThread(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "Is the blue one in stock?");
        var mid = MetaPayloads.NewMid();

        await channel.PostAsync(client, MetaPayloads.Echo(customer, mid, app.Clock.GetUtcNow(), "Yes, two left (sent from the phone app)"));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var echo = await db.Messages.SingleAsync(m => m.ExternalId == mid);
        Assert.Equal(contactId, echo.ContactId);
        Assert.Equal(MessageDirection.Outbound, echo.Direction);
        Assert.Equal(DeliveryStatus.Sent, echo.Status);
        Assert.Equal("Yes, two left (sent from the phone app)", echo.Text);
        Assert.Equal("Sent outside Omnichannel.Flows", echo.AuthorName);
        Assert.Single(await db.ChannelIdentities.Where(i => i.ContactId == contactId).ToListAsync());
    }
}
