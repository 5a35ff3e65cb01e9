using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class WebChatTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    private string Secret => app.Secrets.WebChatIdentitySecret;

    [Fact]
    public async Task SessionWithVouchedEmail_JoinsTheEmailCustomersProfileAndThread()
    {
        var email = TestData.NewEmail();
        await app.CustomerEmailsAsync(email, "Question about order 1042");
        var emailContactId = await ContactOfEmailAsync(email);

        var visitor = await WebChatVisitor.OpenAsync(client, new { name = "Anna", email, identityHash = WebChatVisitor.IdentityHash(Secret, email) });
        var posted = await visitor.PostAsync(client, "Hi again, now from the website");
        await app.WaitForInboundProcessingAsync();

        Assert.True(visitor.IdentityVerified);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var admin = await app.CreateAdminClientAsync();
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{emailContactId}/messages");
        var channels = thread.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("channel").GetString()).ToList();
        Assert.Equal(["webchat", "email"], channels);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(emailContactId, (await db.WebChatSessions.SingleAsync(s => s.Id == visitor.SessionId)).ContactId);
        Assert.False(await db.MergeSuggestions.AnyAsync(s => s.ContactId == emailContactId || s.CandidateContactId == emailContactId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SessionWithUnvouchedEmail_GetsItsOwnProfileAndAMergeSuggestion(bool withForgedHash)
    {
        var email = TestData.NewEmail();
        await app.CustomerEmailsAsync(email, "My private order details");
        var emailContactId = await ContactOfEmailAsync(email);
        var forged = withForgedHash ? WebChatVisitor.IdentityHash("guessed-secret", email) : null;

        var visitor = await WebChatVisitor.OpenAsync(client, new { name = "Not Anna", email, identityHash = forged });
        await visitor.PostAsync(client, "Show me the order");
        await app.WaitForInboundProcessingAsync();

        Assert.False(visitor.IdentityVerified);
        await using var db = await app.CreateDbContextAsync();
        var visitorContactId = (await db.WebChatSessions.SingleAsync(s => s.Id == visitor.SessionId)).ContactId;
        Assert.NotEqual(emailContactId, visitorContactId);
        var claim = await db.ContactEmails.SingleAsync(e => e.ContactId == visitorContactId);
        Assert.Equal(email, claim.Address);
        Assert.False(claim.Verified);
        var suggestion = await db.MergeSuggestions.SingleAsync(s => s.ContactId == visitorContactId);
        Assert.Equal(emailContactId, suggestion.CandidateContactId);
        Assert.Equal(MergeSuggestionReason.UnverifiedClaim, suggestion.Reason);
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == emailContactId && m.Channel == ChannelKind.WebChat));
        Assert.Equal("Show me the order", (await visitor.ThreadAsync(client)).Single().GetProperty("text").GetString());
    }

    [Fact]
    public async Task Message_WithoutOrWithAWrongToken_Is401AndNothingIsStored()
    {
        var visitor = await WebChatVisitor.OpenAsync(client, new { });
        var other = await WebChatVisitor.OpenAsync(client, new { });
        var tampered = visitor.Token[..^4] + (visitor.Token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var withoutToken = await client.PostAsJsonAsync($"/api/webchat/sessions/{visitor.SessionId}/messages", new { text = "no token" });
        var garbage = await visitor.PostAsync(client, "garbage token", token: "not-a-token");
        var wrongSecret = await visitor.PostAsync(client, "tampered token", token: tampered);
        var otherSession = await visitor.PostAsync(client, "someone else's token", token: other.Token);
        var readWithout = await client.GetAsync($"/api/webchat/sessions/{visitor.SessionId}/messages");
        await app.WaitForInboundProcessingAsync();

        Assert.All([withoutToken, garbage, wrongSecret, otherSession, readWithout], response =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        });
        await using var db = await app.CreateDbContextAsync();
        var contactIds = await db.WebChatSessions.Where(s => s.Id == visitor.SessionId || s.Id == other.SessionId).Select(s => s.ContactId).ToListAsync();
        Assert.False(await db.Messages.AnyAsync(m => contactIds.Contains(m.ContactId)));
    }

    [Fact]
    public async Task Message_PostedTwiceWithOneClientMessageId_IsStoredOnce()
    {
        var visitor = await WebChatVisitor.OpenAsync(client, new { name = "Retrying visitor" });

        var first = await visitor.PostAsync(client, "hello?", "c-1");
        var again = await visitor.PostAsync(client, "hello?", "c-1");
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var thread = await visitor.ThreadAsync(client);
        var only = Assert.Single(thread);
        Assert.Equal("visitor", only.GetProperty("from").GetString());
        Assert.Equal("c-1", only.GetProperty("clientMessageId").GetString());
    }

    [Fact]
    public async Task AgentReply_ShowsInTheHttpFallback()
    {
        var (visitor, contactId) = await VisitorWhoWroteAsync("Polling visitor", "Do you ship to Austria?", "q-1");
        var admin = await app.CreateAdminClientAsync();

        var replyId = await admin.AgentRepliesAsync(contactId, "Yes, in 2 to 3 days.");
        var reply = await app.WaitForMessageAsync(replyId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal(ChannelKind.WebChat, reply.Channel);
        var thread = await visitor.ThreadAsync(client);
        Assert.Equal(["visitor", "agent"], thread.Select(m => m.GetProperty("from").GetString()));
        Assert.Equal("Yes, in 2 to 3 days.", thread[1].GetProperty("text").GetString());
        Assert.Equal(replyId, thread[1].GetProperty("id").GetGuid());
        Assert.Equal(FlowsAppFactory.AdminEmail, thread[1].GetProperty("authorName").GetString());
        var newer = await visitor.ThreadAsync(client, after: thread[1].GetProperty("sentAt").GetString());
        Assert.Equal(replyId, Assert.Single(newer, m => m.GetProperty("from").GetString() == "agent").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AgentReply_ReachesTheSignalRClientInRealTime_AndIsMarkedDelivered()
    {
        var (visitor, contactId) = await VisitorWhoWroteAsync("Live visitor", "Anyone there?");
        await using var hub = visitor.HubConnection(app);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("connected", _ => connected.TrySetResult());
        hub.On<JsonElement>("message", m => received.TrySetResult(m));
        await hub.StartAsync();
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var admin = await app.CreateAdminClientAsync();

        var replyId = await admin.AgentRepliesAsync(contactId, "Yes, I'm here!", "webchat");
        var pushed = await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var delivered = await app.WaitForMessageAsync(replyId, m => m.Status == DeliveryStatus.Delivered);

        Assert.Equal(replyId, pushed.GetProperty("id").GetGuid());
        Assert.Equal("agent", pushed.GetProperty("from").GetString());
        Assert.Equal("Yes, I'm here!", pushed.GetProperty("text").GetString());
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
    }

    [Fact]
    public async Task WidgetProtocolOnAPlainWebSocket_ReceivesTheReply()
    {
        var (visitor, contactId) = await VisitorWhoWroteAsync("Browser visitor", "Hello from the widget");
        await using var socket = await visitor.RawHubSocketAsync(app);

        await socket.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await socket.NextAsync();
        var connected = await socket.InvocationAsync("connected");
        var admin = await app.CreateAdminClientAsync();
        await admin.AgentRepliesAsync(contactId, "Hello from the inbox", "webchat");
        var pushed = await socket.InvocationAsync("message");

        Assert.Equal(JsonValueKind.Object, handshake.ValueKind);
        Assert.False(handshake.TryGetProperty("error", out _));
        Assert.Equal(visitor.SessionId, connected.GetProperty("sessionId").GetGuid());
        Assert.Equal("Hello from the inbox", pushed.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Hub_WithoutAToken_Is401()
    {
        var response = await client.PostAsync("/hubs/webchat/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("""{ "email": "not-an-email" }""", "email")]
    [InlineData("""{ "phone": "call me maybe" }""", "phone")]
    [InlineData("""{ "email": "a@example.com", "identityHash": "abc" }""", "identityHash")]
    [InlineData("""{ "identityHash": "0000000000000000000000000000000000000000000000000000000000000000" }""", "identityHash")]
    [InlineData("""{ "name": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }""", "name")]
    public async Task InvalidSessionRequest_Is400WithTheField(string body, string field)
    {
        var response = await client.PostAsync("/api/webchat/sessions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names '{field}'.");
    }

    [Fact]
    public async Task EmptyMessage_Is400WithTheField()
    {
        var visitor = await WebChatVisitor.OpenAsync(client, new { });

        var response = await visitor.PostAsync(client, "  ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("text", out _));
    }

    [Theory]
    [InlineData("https://shop.example", true)]
    [InlineData("https://evil.example", false)]
    public async Task Preflight_IsAllowedForConfiguredOriginsOnly(string origin, bool allowed)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/webchat/sessions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");

        var response = await client.SendAsync(request);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var origins) && origins.Single() == origin);
    }

    [Fact]
    public async Task Simulator_OpensAVouchedSessionOnceAndPostsThroughTheApi()
    {
        var email = TestData.NewEmail();
        await app.CustomerEmailsAsync(email, "Earlier by email");
        var simulator = app.Services.GetServices<IChannelSimulator>().Single(s => s.Channel == ChannelKind.WebChat);
        var message = new SimulatedMessage($"visitor-{Guid.NewGuid():N}", "First from the simulator") { ClaimedEmail = email, Vouched = true };

        var first = await simulator.SendAsync(client, message, CancellationToken.None);
        var second = await simulator.SendAsync(client, message with { Text = "Second from the simulator" }, CancellationToken.None);
        await app.WaitForInboundProcessingAsync();

        Assert.True(first.Accepted, first.Detail);
        Assert.True(second.Accepted, second.Detail);
        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.WebChat && i.ExternalId == simulator.ExternalIdOf(message));
        Assert.Equal(await ContactOfEmailAsync(email), identity.ContactId);
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ChannelIdentityId == identity.Id));
    }

    [Fact]
    public async Task Widget_AndItsDemoPage_AreServed()
    {
        var widget = await client.GetAsync("/webchat/widget.js");
        var demo = await client.GetStringAsync("/webchat/demo.html");

        Assert.Equal(HttpStatusCode.OK, widget.StatusCode);
        Assert.Equal("text/javascript", widget.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/hubs/webchat", await widget.Content.ReadAsStringAsync());
        Assert.Contains("<script src=\"/webchat/widget.js\"", demo);
    }

    private async Task<Guid> ContactOfEmailAsync(string email)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactEmails.Where(e => e.Address == email && e.Verified).Select(e => e.ContactId).SingleAsync();
    }

    /// <summary>A visitor who opened a session and wrote one message, processed; with the profile it landed on.</summary>
    private async Task<(WebChatVisitor Visitor, Guid ContactId)> VisitorWhoWroteAsync(string name, string text, string? clientMessageId = null)
    {
        var visitor = await WebChatVisitor.OpenAsync(client, new { name });
        (await visitor.PostAsync(client, text, clientMessageId)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        return (visitor, await db.WebChatSessions.Where(s => s.Id == visitor.SessionId).Select(s => s.ContactId).SingleAsync());
    }
}
