using System.Text.Json;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class TelegramOutboundTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private const string SendMessagePath = $"/bot{TestSecrets.TelegramBotToken}/sendMessage";

    [Fact]
    public async Task Reply_IsPostedToSendMessageForTheChat()
    {
        var chatId = TelegramPayloads.NewUserId();
        var contactId = await app.CustomerWritesOnTelegramAsync(chatId, "Hi, is the shop open today?");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendMessagePath, FakeResponse.Json(
            $$"""{ "ok": true, "result": { "message_id": 4711, "from": { "id": 123456, "is_bot": true }, "chat": { "id": {{chatId}}, "type": "private" }, "date": 1764072000, "text": "Yes, until 6 pm." } }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "Yes, until 6 pm.");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Path == SendMessagePath && r.Body.Contains("until 6 pm", StringComparison.Ordinal));
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(chatId, json.GetProperty("chat_id").GetInt64());
        Assert.Equal("Yes, until 6 pm.", json.GetProperty("text").GetString());
        Assert.Equal($"{chatId}:4711", sent.ExternalId);
    }

    [Fact]
    public async Task TooManyRequests_WaitsAsLongAsTelegramSaysThenSends()
    {
        var chatId = TelegramPayloads.NewUserId();
        var contactId = await app.CustomerWritesOnTelegramAsync(chatId, "ping");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendMessagePath,
            FakeResponse.Json("""{ "ok": false, "error_code": 429, "description": "Too Many Requests: retry after 2", "parameters": { "retry_after": 2 } }""", 429),
            FakeResponse.Json($$"""{ "ok": true, "result": { "message_id": 4712, "chat": { "id": {{chatId}}, "type": "private" }, "date": 1764072000 } }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "pong");
        var deferred = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Queued && m.ErrorCode == "429");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal(TimeSpan.FromSeconds(2), deferred.NextAttemptAt - deferred.StatusAt);
        Assert.Equal($"{chatId}:4712", sent.ExternalId);
        Assert.Equal(2, sent.Attempts);
    }

    [Theory]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    [InlineData(400, "Bad Request: chat not found")]
    public async Task RefusedSend_FailsWithTelegramsDescription(int status, string description)
    {
        var contactId = await app.CustomerWritesOnTelegramAsync(TelegramPayloads.NewUserId(), "hello");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(SendMessagePath, FakeResponse.Json($$"""{ "ok": false, "error_code": {{status}}, "description": "{{description}}" }""", status));

        var messageId = await admin.AgentRepliesAsync(contactId, "are you there?");
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.ErrorCode);
        Assert.Equal(description, failed.ErrorReason);
    }
}
