using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class WhatsAppOutboundTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Reply_IsPostedToTheGraphApiAsTheCloudApiExpects()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Hi, is the shop open today?");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond("/messages", FakeResponse.Json("""{ "messaging_product": "whatsapp", "messages": [{ "id": "wamid.OUT-1" }] }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "Yes, until 6 pm.");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v24.0/109876543210/messages", request.Path);
        Assert.Equal("Bearer wa-access-token", request.Headers["Authorization"]);
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("whatsapp", json.GetProperty("messaging_product").GetString());
        Assert.Equal(phone.TrimStart('+'), json.GetProperty("to").GetString());
        Assert.Equal("text", json.GetProperty("type").GetString());
        Assert.Equal("Yes, until 6 pm.", json.GetProperty("text").GetProperty("body").GetString());
        Assert.Equal("wamid.OUT-1", sent.ExternalId);
        Assert.False(sent.IsSandbox);
    }

    [Fact]
    public async Task RateLimited_BacksOffThenSends()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "ping");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond("/messages",
            new FakeResponse(429, """{ "error": { "message": "(#130429) Rate limit hit", "code": 130429 } }""", Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
            FakeResponse.Json("""{ "messages": [{ "id": "wamid.AFTER-429" }] }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "pong");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal("wamid.AFTER-429", sent.ExternalId);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, app.Provider.Requests.Count(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PermanentError_MarksTheMessageFailedWithTheProvidersCode()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond("/messages", FakeResponse.Json(
            """{ "error": { "message": "Message undeliverable", "code": 131026, "error_data": { "details": "Receiver is incapable of receiving this message" } } }""", 400));

        var messageId = await admin.AgentRepliesAsync(contactId, "are you there?");
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal("131026", failed.ErrorCode);
        Assert.Contains("Receiver is incapable", failed.ErrorReason);
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/messages");
        var shown = thread.GetProperty("items").EnumerateArray().First(m => m.GetProperty("id").GetGuid() == messageId);
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal("131026", shown.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Statuses_MoveForwardOnly_AndCarryPricing()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var admin = await app.CreateAdminClientAsync();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));
        var messageId = await admin.AgentRepliesAsync(contactId, "your order shipped");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        var client = app.CreateClient();
        var now = app.Clock.GetUtcNow();
        const string pricing = """, "pricing": { "billable": false, "pricing_model": "PMP", "category": "service", "type": "free_customer_service" }""";

        await client.PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "read", now, phone.TrimStart('+'), pricing), app.Secrets.WhatsAppAppSecret);
        await client.PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", now.AddSeconds(-5), phone.TrimStart('+')), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(DeliveryStatus.Read, message.Status);
        Assert.Equal("service", message.PricingCategory);
        Assert.False(message.PricingBillable);
    }

    [Fact]
    public async Task StatusBeforeTheSendsAnswer_IsKeptAndApplied()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var admin = await app.CreateAdminClientAsync();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        // The status webhook arrives before we know the provider id (the send's answer is still on its way).
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp",
            WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phone.TrimStart('+')), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();
        app.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));

        var messageId = await admin.AgentRepliesAsync(contactId, "on its way");
        var message = await app.WaitForMessageAsync(messageId, m => m.ExternalId == wamid);

        Assert.Equal(DeliveryStatus.Delivered, message.Status);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.PendingDeliveryStatuses.AnyAsync(s => s.ExternalId == wamid));
    }

    [Fact]
    public async Task Reply_ToUnknownContact_Is404Problem()
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/contacts/{Guid.NewGuid()}/messages", new { text = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
