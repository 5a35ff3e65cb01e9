using System.Text.Json;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class TikTokOutboundTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private const string SendPath = "/open_api/v1.3/business/message/send/";

    [Fact]
    public async Task Reply_IsPostedToTheBusinessMessagingSendEndpoint()
    {
        var conversation = TikTokPayloads.NewConversationId();
        var contactId = await app.CustomerWritesOnTikTokAsync(conversation, "Is this jacket available in M?");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendPath, FakeResponse.Json("""{ "code": 0, "message": "OK", "request_id": "req-1", "data": { "message": { "message_id": "tt-msg-out-1" } } }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "Yes, in all sizes.");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Path == SendPath && r.Body.Contains(conversation, StringComparison.Ordinal));
        Assert.Equal("POST", request.Method);
        Assert.Equal("tt-access-token", request.Headers["Access-Token"]);
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(TestSecrets.TikTokBusinessId, json.GetProperty("business_id").GetString());
        Assert.Equal("CONVERSATION", json.GetProperty("recipient_type").GetString());
        Assert.Equal(conversation, json.GetProperty("recipient").GetString());
        Assert.Equal("TEXT", json.GetProperty("message_type").GetString());
        Assert.Equal("Yes, in all sizes.", json.GetProperty("text").GetProperty("body").GetString());
        Assert.Equal("tt-msg-out-1", sent.ExternalId);
    }

    [Fact]
    public async Task RateLimited_BacksOffThenSends()
    {
        var contactId = await app.CustomerWritesOnTikTokAsync(TikTokPayloads.NewConversationId(), "ping");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendPath,
            FakeResponse.Json("""{ "code": 40100, "message": "Requests made too frequently.", "request_id": "req-2", "data": {} }"""),
            FakeResponse.Json("""{ "code": 0, "message": "OK", "request_id": "req-3", "data": { "message": { "message_id": "tt-msg-after-limit" } } }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "pong");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal("tt-msg-after-limit", sent.ExternalId);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task PermanentError_FailsWithTikToksCode()
    {
        var contactId = await app.CustomerWritesOnTikTokAsync(TikTokPayloads.NewConversationId(), "hello");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendPath, FakeResponse.Json("""{ "code": 40001, "message": "No permission to perform the related operation.", "request_id": "req-4", "data": {} }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "are you there?");
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal("40001", failed.ErrorCode);
        Assert.Equal("No permission to perform the related operation.", failed.ErrorReason);
        Assert.Equal(1, failed.Attempts);
    }
}
