using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.ServiceWindows;

/// <summary>Replies on WhatsApp as the service window allows: free text inside it, an approved template (with its cost) after it.</summary>
public sealed class ServiceWindowSendTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task FreeText_AtHour25_Is409WithTheApprovedTemplatesThatFit_EachWithItsCost()
    {
        var utility = await app.TemplateAsync("Hi {{1}}, your order {{2}} has shipped.", TemplateCategory.Utility);
        var marketing = await app.TemplateAsync("{{1}}, 20% off this week!", TemplateCategory.Marketing);
        var pending = await app.TemplateAsync("Not yet approved", TemplateCategory.Utility, TemplateStatus.Pending);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "where is my order?", app.Clock.GetUtcNow().AddHours(-25));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages", new { text = "It ships tomorrow." });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("window_closed", problem.GetProperty("code").GetString());
        Assert.Equal("whatsapp", problem.GetProperty("channel").GetString());
        var templates = problem.GetProperty("templates").EnumerateArray().ToList();
        Assert.DoesNotContain(templates, t => t.GetProperty("name").GetString() == pending.Name);
        var utilityCost = templates.Single(t => t.GetProperty("name").GetString() == utility.Name).GetProperty("cost");
        Assert.Equal(0.055m, utilityCost.GetProperty("amount").GetDecimal());
        Assert.Equal("Germany", utilityCost.GetProperty("market").GetString());
        Assert.False(utilityCost.GetProperty("free").GetBoolean());
        var marketingCost = templates.Single(t => t.GetProperty("name").GetString() == marketing.Name).GetProperty("cost");
        Assert.Equal(0.1365m, marketingCost.GetProperty("amount").GetDecimal());
        Assert.Equal("USD", marketingCost.GetProperty("currency").GetString());
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }

    [Fact]
    public async Task FreeText_AtHour23_IsSentAndCostsNothing()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", app.Clock.GetUtcNow().AddHours(-23));
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond("/messages", FakeResponse.Json("""{ "messages": [{ "id": "wamid.FREE" }] }"""));

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages", new { text = "Hello!" });
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0m, accepted.GetProperty("cost").GetProperty("estimate").GetDecimal());
        await app.WaitForMessageAsync(accepted.GetProperty("id").GetGuid(), m => m.Status == DeliveryStatus.Sent);
    }

    [Fact]
    public async Task Template_AfterTheWindow_IsSentAsTheCloudApiExpects_WithItsCostEstimatedThenActual()
    {
        var template = await app.TemplateAsync("Hi {{1}}, your order {{2}} has shipped.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "where is my order?", app.Clock.GetUtcNow().AddHours(-30));
        var admin = await app.CreateAdminClientAsync();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages",
            new { template = new { name = template.Name, language = "en_US", parameters = new[] { "Anna", "1042" } } });
        var messageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(messageId.ToString(), StringComparison.Ordinal));
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("template", json.GetProperty("type").GetString());
        Assert.Equal(phone.TrimStart('+'), json.GetProperty("to").GetString());
        var sent = json.GetProperty("template");
        Assert.Equal(template.Name, sent.GetProperty("name").GetString());
        Assert.Equal("en_US", sent.GetProperty("language").GetProperty("code").GetString());
        var body = sent.GetProperty("components")[0];
        Assert.Equal("body", body.GetProperty("type").GetString());
        Assert.Equal(["Anna", "1042"], body.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        Assert.All(body.GetProperty("parameters").EnumerateArray(), p => Assert.Equal("text", p.GetProperty("type").GetString()));

        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phone.TrimStart('+'),
            """, "pricing": { "billable": true, "pricing_model": "PMP", "category": "utility", "type": "regular" }"""), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/messages");
        var shown = thread.GetProperty("items").EnumerateArray().First(m => m.GetProperty("id").GetGuid() == messageId);
        Assert.Equal("Hi Anna, your order 1042 has shipped.", shown.GetProperty("text").GetString());
        Assert.Equal("template", shown.GetProperty("kind").GetString());
        Assert.Equal(template.Name, shown.GetProperty("template").GetProperty("name").GetString());
        Assert.Equal(0.055m, shown.GetProperty("cost").GetProperty("estimate").GetDecimal());
        Assert.Equal(0.055m, shown.GetProperty("cost").GetProperty("actual").GetDecimal());
        Assert.Equal("delivered", shown.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UtilityTemplate_InsideTheWindow_IsFree_AndStaysFreeWhenMetaSaysSo()
    {
        var template = await app.TemplateAsync("Your code is ready, {{1}}.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hi", app.Clock.GetUtcNow().AddHours(-1));
        var admin = await app.CreateAdminClientAsync();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages",
            new { template = new { name = template.Name, language = "en_US", parameters = new[] { "Anna" } } });
        var messageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phone.TrimStart('+'),
            """, "pricing": { "billable": false, "pricing_model": "PMP", "category": "utility", "type": "free_customer_service" }"""), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(0, message.CostEstimateMicros);
        Assert.Equal(0, message.CostActualMicros);
        Assert.Equal("free_customer_service", message.PricingType);
    }

    [Theory]
    [InlineData("unknown_template", "en_US", """["x"]""", 422, "/template/name")]
    [InlineData(null, "en_US", """["Anna"]""", 422, "/template/name")]
    [InlineData("", "en_US", "[]", 400, null)]
    public async Task BadTemplateRequests_SayWhatAndWhere(string? name, string language, string parameters, int status, string? pointer)
    {
        var paused = await app.TemplateAsync("Paused {{1}}", TemplateCategory.Marketing, TemplateStatus.Paused);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync($"/api/contacts/{contactId}/messages", new StringContent(
            $$"""{ "template": { "name": {{JsonSerializer.Serialize(name ?? paused.Name)}}, "language": "{{language}}", "parameters": {{parameters}} } }""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (pointer is not null)
        {
            Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
        }
    }

    [Fact]
    public async Task TemplateWithWrongParameters_Is422PointingAtTheValue()
    {
        var template = await app.TemplateAsync("Hi {{1}}, order {{2}}.", TemplateCategory.Utility);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages",
            new { template = new { name = template.Name, language = "en_US", parameters = new[] { "Anna" } } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("/template/parameters/1", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task OutsideWindowErrorInALateStatus_FailsTheMessageAsWindowClosed()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hi", app.Clock.GetUtcNow().AddHours(-23.9));
        var admin = await app.CreateAdminClientAsync();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));
        var messageId = await admin.AgentRepliesAsync(contactId, "just in time?");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        var failures = new List<MessageSendFailed>();
        using var subscription = app.Services.GetRequiredService<ConversationEvents>().Subscribe(e =>
        {
            if (e is MessageSendFailed failed && failed.MessageId == messageId)
            {
                failures.Add(failed);
            }
        });

        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "failed", app.Clock.GetUtcNow(), phone.TrimStart('+'),
            """, "errors": [{ "code": 131047, "title": "Re-engagement message", "error_data": { "details": "More than 24 hours have passed since the recipient last replied" } }]"""),
            app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal("window_closed", message.ErrorCode);
        Assert.StartsWith("131047: Re-engagement message", message.ErrorReason, StringComparison.Ordinal);
        Assert.Equal("window_closed", Assert.Single(failures).Code);
        // …and flows can start on it.
        var raised = await db.AutomationEvents.SingleAsync(e => e.ContactId == contactId && e.Type == "send.failed");
        Assert.Equal("window_closed", JsonDocument.Parse(raised.Payload!).RootElement.GetProperty("code").GetString());
    }
}
