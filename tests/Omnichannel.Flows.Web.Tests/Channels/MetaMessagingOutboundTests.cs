using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using static Omnichannel.Flows.Web.Tests.Channels.MetaMessagingSteps;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Replies on Messenger and Instagram: the Send API request on the wire, its errors, and the statuses that follow.</summary>
public sealed class MetaMessagingOutboundTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData("messenger", "Bearer page-access-token")]
    [InlineData("instagram", "Bearer ig-access-token")]
    public async Task Reply_IsPostedToTheSendApiAsMetaExpects(string name, string authorization)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "Hi, is the shop open today?");
        var mid = MetaPayloads.NewMid();

        var messageId = await app.AgentRepliesAsync(channel, contactId, "Yes, until 6 pm.", SendAnswer(customer, mid));
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(customer, StringComparison.Ordinal));
        Assert.Equal("POST", request.Method);
        Assert.Equal(SendPath, request.Path);
        Assert.Equal(authorization, request.Headers["Authorization"]);
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(customer, json.GetProperty("recipient").GetProperty("id").GetString());
        Assert.Equal("Yes, until 6 pm.", json.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal("RESPONSE", json.GetProperty("messaging_type").GetString());
        Assert.False(json.TryGetProperty("tag", out _));
        // Messenger hands metadata back in the echo; Instagram documents none, so none is sent.
        if (name == "messenger")
        {
            Assert.Equal(messageId.ToString(), json.GetProperty("message").GetProperty("metadata").GetString());
        }
        else
        {
            Assert.False(json.GetProperty("message").TryGetProperty("metadata", out _));
        }

        Assert.Equal(mid, sent.ExternalId);
        Assert.False(sent.IsSandbox);
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task AgentReply_AfterTheStandardWindow_IsTaggedHumanAgent(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "Any news on my refund?", app.Clock.GetUtcNow().AddHours(-30));

        var messageId = await app.AgentRepliesAsync(channel, contactId, "Sorry for the wait: it was refunded today.",
            SendAnswer(customer, MetaPayloads.NewMid()));
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(customer, StringComparison.Ordinal));
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("MESSAGE_TAG", json.GetProperty("messaging_type").GetString());
        Assert.Equal("HUMAN_AGENT", json.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task Reply_AfterEvenTheHumanAgentWindow_IsRefusedBeforeAnythingIsSent()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "hello", app.Clock.GetUtcNow().AddDays(-8));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages", new { channel = "messenger", text = "are you still there?" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("window_closed", problem.GetProperty("code").GetString());
        Assert.Empty(problem.GetProperty("templates").EnumerateArray());
        Assert.DoesNotContain(app.Provider.Requests, r => r.Body.Contains(customer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetasOutsideWindowError_FailsTheMessageAsWindowClosed()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "hello", app.Clock.GetUtcNow().AddHours(-2));
        var outsideWindow = FakeResponse.Json("""
            { "error": { "message": "(#10) This message is sent outside of allowed window.", "type": "OAuthException",
                         "code": 10, "error_subcode": 2018278, "fbtrace_id": "AbCdEf" } }
            """, 400);

        var messageId = await app.AgentRepliesAsync(channel, contactId, "are you still there?", outsideWindow);
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(customer, StringComparison.Ordinal));
        Assert.Equal("RESPONSE", JsonDocument.Parse(request.Body).RootElement.GetProperty("messaging_type").GetString());
        Assert.Equal("window_closed", failed.ErrorCode);
        Assert.Contains("10/2018278", failed.ErrorReason);
        Assert.Contains("outside of allowed window", failed.ErrorReason);
        var thread = await (await app.CreateAdminClientAsync()).GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/messages");
        var shown = thread.GetProperty("items").EnumerateArray().First(m => m.GetProperty("id").GetGuid() == messageId);
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal("window_closed", shown.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, app.Provider.Requests.Count(r => r.Body.Contains(customer, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task RateLimited_BacksOffThenSends(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "ping");
        var mid = MetaPayloads.NewMid();
        var rateLimited = new FakeResponse(429, """{ "error": { "message": "(#613) Calls to this api have exceeded the rate limit.", "code": 613 } }""",
            Headers: new Dictionary<string, string> { ["Retry-After"] = "1" });

        var messageId = await app.AgentRepliesAsync(channel, contactId, "pong", rateLimited, SendAnswer(customer, mid));
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal(mid, sent.ExternalId);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, app.Provider.Requests.Count(r => r.Body.Contains(customer, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Delivery_MarksTheMessagesDelivered()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var (messageId, mid) = await SendReplyAsync(channel, customer, "your order shipped");

        await channel.PostAsync(app.CreateClient(), MetaPayloads.Delivery(customer, app.Clock.GetUtcNow(), mid));
        var delivered = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Delivered);

        Assert.Equal(mid, delivered.ExternalId);
    }

    [Fact]
    public async Task ReadWatermark_MarksWhatWasSentUpToItRead_AndNeverGoesBack()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var (first, firstMid) = await SendReplyAsync(channel, customer, "first");
        var firstSentAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var (second, _) = await SendReplyAsync(channel, customer, "second");
        var webhook = app.CreateClient();

        await channel.PostAsync(webhook, MetaPayloads.Read(customer, app.Clock.GetUtcNow(), firstSentAt.AddSeconds(30)));
        await app.WaitForMessageAsync(first, m => m.Status == DeliveryStatus.Read);
        await channel.PostAsync(webhook, MetaPayloads.Delivery(customer, app.Clock.GetUtcNow(), firstMid));
        await app.WaitForInboundProcessingAsync();

        await using (var db = await app.CreateDbContextAsync())
        {
            Assert.Equal(DeliveryStatus.Read, (await db.Messages.SingleAsync(m => m.Id == first)).Status);
            Assert.Equal(DeliveryStatus.Sent, (await db.Messages.SingleAsync(m => m.Id == second)).Status);
        }

        await channel.PostAsync(webhook, MetaPayloads.Read(customer, app.Clock.GetUtcNow(), app.Clock.GetUtcNow()));
        await app.WaitForMessageAsync(second, m => m.Status == DeliveryStatus.Read);
    }

    [Fact]
    public async Task ReadWatermark_LeavesAMessageStillWaitingToBeSentAlone()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "hello");
        var rateLimited = new FakeResponse(429, """{ "error": { "message": "(#613) Calls to this api have exceeded the rate limit.", "code": 613 } }""",
            Headers: new Dictionary<string, string> { ["Retry-After"] = "600" });
        var waiting = await app.AgentRepliesAsync(channel, contactId, "not sent yet", rateLimited);
        await app.WaitForMessageAsync(waiting, m => m is { Status: DeliveryStatus.Queued, Attempts: 1 });

        await channel.PostAsync(app.CreateClient(), MetaPayloads.Read(customer, app.Clock.GetUtcNow(), app.Clock.GetUtcNow().AddMinutes(1)));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(DeliveryStatus.Queued, (await db.Messages.SingleAsync(m => m.Id == waiting)).Status);
    }

    [Fact]
    public async Task InstagramSeen_MarksTheSeenMessageAndEarlierOnesRead()
    {
        var channel = MetaChannelUnderTest.For(app, "instagram");
        var customer = MetaPayloads.NewScopedId();
        var (first, _) = await SendReplyAsync(channel, customer, "first");
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        var (second, secondMid) = await SendReplyAsync(channel, customer, "second");

        await channel.PostAsync(app.CreateClient(), MetaPayloads.Seen(customer, app.Clock.GetUtcNow(), secondMid));

        await app.WaitForMessageAsync(first, m => m.Status == DeliveryStatus.Read);
        await app.WaitForMessageAsync(second, m => m.Status == DeliveryStatus.Read);
    }

    private async Task<(Guid MessageId, string Mid)> SendReplyAsync(MetaChannelUnderTest channel, string customer, string text)
    {
        var contactId = await app.ContactOfAsync(channel, customer) ?? await app.CustomerWritesAsync(channel, customer, "hello");
        var mid = MetaPayloads.NewMid();
        var messageId = await app.AgentRepliesAsync(channel, contactId, text, SendAnswer(customer, mid));
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        return (messageId, mid);
    }
}
