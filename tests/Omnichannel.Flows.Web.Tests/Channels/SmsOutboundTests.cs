using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class SmsOutboundTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private const string MessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";

    [Fact]
    public async Task Reply_IsPostedToTwilioAsTheMessagesResourceExpects()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "Is the shop open today?");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(MessagesPath, FakeResponse.Json("""{ "sid": "SM-OUT-1", "status": "queued" }""", 201));

        var messageId = await admin.AgentRepliesAsync(contactId, "Yes, until 6 pm.");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal));
        Assert.Equal("POST", request.Method);
        Assert.Equal(MessagesPath, request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"ACtest:{app.Secrets.TwilioAuthToken}")), request.Headers["Authorization"]);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["Content-Type"]);
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal(phone, form["To"]);
        Assert.Equal("+15550001111", form["From"]);
        Assert.Equal("Yes, until 6 pm.", form["Body"]);
        Assert.Equal($"https://flows.example.com/webhooks/sms/status?messageId={messageId}", form["StatusCallback"]);
        Assert.False(form.ContainsKey("MessagingServiceSid"));
        Assert.Equal("SM-OUT-1", sent.ExternalId);
        Assert.False(sent.IsSandbox);
    }

    [Fact]
    public async Task StatusCallbacks_MoveTheMessageForwardOnly()
    {
        var (messageId, sid, statusPath) = await SentMessageAsync();
        var client = app.CreateClient();

        await client.PostTwilioAsync(statusPath, SmsPayloads.Status(sid, "delivered"), app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();
        // Late and out of order: neither may move a delivered message back.
        await client.PostTwilioAsync(statusPath, SmsPayloads.Status(sid, "sent"), app.Secrets.TwilioAuthToken);
        await client.PostTwilioAsync(statusPath, SmsPayloads.Status(sid, "failed", "30003"), app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(DeliveryStatus.Delivered, message.Status);
        Assert.Null(message.ErrorCode);
    }

    [Fact]
    public async Task UndeliveredCallback_FailsTheMessageWithTwiliosErrorCode()
    {
        var (messageId, sid, statusPath) = await SentMessageAsync();

        var response = await app.CreateClient().PostTwilioAsync(statusPath, SmsPayloads.Status(sid, "undelivered", "30003"), app.Secrets.TwilioAuthToken);
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("30003", failed.ErrorCode);
        Assert.Contains("undelivered", failed.ErrorReason);
    }

    [Fact]
    public async Task StatusCallback_ForASendWhoseAnswerWasLost_ReconcilesThroughOurMessageId()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "hello");
        var admin = await app.CreateAdminClientAsync();
        // Twilio took the message, but its answer did not tell us the sid.
        app.Provider.Respond(MessagesPath, FakeResponse.Json("{}", 201));
        var messageId = await admin.AgentRepliesAsync(contactId, "your order shipped");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Unknown);
        var sid = $"SM{Guid.NewGuid():N}";

        await app.CreateClient().PostTwilioAsync($"/webhooks/sms/status?messageId={messageId}", SmsPayloads.Status(sid, "delivered"), app.Secrets.TwilioAuthToken);
        var reconciled = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Delivered);

        Assert.Equal(sid, reconciled.ExternalId);
    }

    [Fact]
    public async Task TooManyRequests_BacksOffThenSends()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "ping");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(MessagesPath,
            new FakeResponse(429, """{ "code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429 }""",
                Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
            FakeResponse.Json("""{ "sid": "SM-AFTER-429", "status": "queued" }""", 201));

        var messageId = await admin.AgentRepliesAsync(contactId, "pong");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal("SM-AFTER-429", sent.ExternalId);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, app.Provider.Requests.Count(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(21610, "Attempt to send to unsubscribed recipient")]
    [InlineData(21211, "The 'To' number is not a valid phone number.")]
    public async Task RefusedSend_FailsWithTwiliosCode(int code, string reason)
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "hello");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(MessagesPath, FakeResponse.Json(
            $$"""{ "code": {{code}}, "message": "{{reason}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": 400 }""", 400));

        var messageId = await admin.AgentRepliesAsync(contactId, "one more offer");
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.ErrorCode);
        Assert.Equal(reason, failed.ErrorReason);
        Assert.Equal(1, failed.Attempts);
    }

    private async Task<(Guid MessageId, string Sid, string StatusPath)> SentMessageAsync()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "hello");
        var admin = await app.CreateAdminClientAsync();
        var sid = $"SM{Guid.NewGuid():N}";
        app.Provider.Respond(MessagesPath, FakeResponse.Json($$"""{ "sid": "{{sid}}", "status": "queued" }""", 201));
        var messageId = await admin.AgentRepliesAsync(contactId, "your order shipped");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal));
        var callback = new Uri(QueryHelpers.ParseQuery(request.Body)["StatusCallback"].ToString());
        return (messageId, sid, callback.PathAndQuery);
    }
}
