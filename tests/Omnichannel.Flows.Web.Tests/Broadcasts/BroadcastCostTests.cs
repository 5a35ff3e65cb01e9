using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>Cost before send, the test send, and scheduling only once the marketer confirmed the cost they saw.</summary>
public sealed class BroadcastCostTests(BroadcastAppFactory app) : IClassFixture<BroadcastAppFactory>
{
    [Fact]
    public async Task Estimate_PricesEachRecipientByCategoryMarketAndWindow()
    {
        var tag = BroadcastSteps.NewTag();
        var utility = await app.TemplateAsync("Your order {{1}} is ready.", TemplateCategory.Utility);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], WroteAt: now.AddHours(-2)));   // window open: free
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], WroteAt: now.AddHours(-30)));  // closed: 0.055
        await app.CustomerAsync(new(Phone: "+447700900" + Random.Shared.Next(100, 999), Tags: [tag]));           // never wrote: 0.022
        await app.CustomerAsync(new(Tags: [tag]));                                                               // unreachable
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, utility));

        var estimate = await admin.EstimateAsync(id);

        Assert.Equal(4, estimate.GetProperty("audience").GetInt32());
        Assert.Equal(3, estimate.GetProperty("recipients").GetInt32());
        Assert.Equal(0.077m, estimate.GetProperty("total").GetDecimal());
        Assert.Equal("USD", estimate.GetProperty("currency").GetString());
        Assert.Equal(1, estimate.GetProperty("free").GetInt32());
        Assert.Equal(1, estimate.GetProperty("skipped").GetProperty(SkipReasons.Unreachable).GetInt32());
        var markets = estimate.GetProperty("byMarket").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal((2, 0.055m), (markets["Germany"].GetProperty("messages").GetInt32(), markets["Germany"].GetProperty("amount").GetDecimal()));
        Assert.Equal(0.022m, markets["United Kingdom"].GetProperty("amount").GetDecimal());
        var category = Assert.Single(estimate.GetProperty("byCategory").EnumerateArray());
        Assert.Equal(("utility", 3, 0.077m), (category.GetProperty("name").GetString(), category.GetProperty("messages").GetInt32(), category.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task Estimate_MarketingTemplate_IsChargedInsideTheWindowToo()
    {
        var tag = BroadcastSteps.NewTag();
        var marketing = await app.TemplateAsync("{{1}}: 20% off this week.", TemplateCategory.Marketing);
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], WroteAt: app.Clock.GetUtcNow().UtcDateTime.AddHours(-1)));
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, marketing));

        var estimate = await admin.EstimateAsync(id);

        Assert.Equal(0.1365m, estimate.GetProperty("total").GetDecimal());
        Assert.Equal("marketing", estimate.GetProperty("byCategory")[0].GetProperty("name").GetString());
        Assert.Equal(0, estimate.GetProperty("free").GetInt32());
    }

    [Fact]
    public async Task TestSend_SendsTheMessageAsTheContactWouldGetIt_AndTheBroadcastStaysADraft()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Hi {{1}}, see our news.", TemplateCategory.Marketing);
        var marketerPhone = TestData.NewGermanMobile();
        var marketer = await app.CustomerAsync(new(Phone: marketerPhone, FirstName: "Mia"));
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        app.Provider.AcceptWhatsAppSends();
        var client = await app.CreateUserClientAsync("Marketing");
        var id = await client.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template, new Dictionary<string, object> { ["1"] = new { field = "contact.first_name" } }));

        var response = await client.PostAsJsonAsync($"/api/broadcasts/{id}/test", new { contactId = marketer });
        var messageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await app.WaitForMessageAsync(messageId, m => m.Status == Platform.Conversations.DeliveryStatus.Sent);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var sent = Assert.Single(app.Provider.WhatsAppSendsTo(marketerPhone));
        Assert.Equal("Mia", sent.GetProperty("template").GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("text").GetString());
        var broadcast = await client.BroadcastAsync(id);
        Assert.Equal("draft", broadcast.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, broadcast.GetProperty("lastTestSentAt").ValueKind);
        Assert.Equal(0, broadcast.GetProperty("progress").GetProperty("recipients").GetInt32());
    }

    [Fact]
    public async Task Schedule_WithoutTheEstimatesTotal_Is409WithTheCurrentEstimate_AndSendsNothing()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Sale {{1}}", TemplateCategory.Marketing);
        var phone = TestData.NewGermanMobile();
        await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));
        var seen = (await admin.EstimateAsync(id)).GetProperty("total").GetDecimal();
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));   // the audience grew since

        var stale = await admin.PostAsJsonAsync($"/api/broadcasts/{id}/schedule", new { confirmTotal = seen });
        var missing = await admin.PostAsJsonAsync($"/api/broadcasts/{id}/schedule", new { });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/confirmTotal", problem.GetProperty("pointer").GetString());
        Assert.Equal(2 * seen, problem.GetProperty("estimate").GetProperty("total").GetDecimal());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("draft", (await admin.BroadcastAsync(id)).GetProperty("state").GetString());
        Assert.Empty(app.Provider.WhatsAppSendsTo(phone));
    }

    [Fact]
    public async Task Schedule_AtALaterTime_StartsWhenThatTimeComes()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Later {{1}}", TemplateCategory.Marketing);
        var phone = TestData.NewGermanMobile();
        await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));
        var total = (await admin.EstimateAsync(id)).GetProperty("total").GetDecimal();
        var at = app.Clock.GetUtcNow().UtcDateTime.AddHours(2);

        var response = await admin.PostAsJsonAsync($"/api/broadcasts/{id}/schedule", new { at, confirmTotal = total });
        await RecoverAsync();
        var before = await admin.BroadcastAsync(id);
        app.Clock.Advance(TimeSpan.FromHours(2));
        await RecoverAsync();
        await app.WaitUntilCompletedAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("scheduled", before.GetProperty("state").GetString());
        Assert.Equal(at, before.GetProperty("scheduledAt").GetDateTime().ToUniversalTime());
        Assert.Single(app.Provider.WhatsAppSendsTo(phone));
        var progress = (await admin.BroadcastAsync(id)).GetProperty("progress");
        Assert.Equal(total, progress.GetProperty("cost").GetProperty("confirmed").GetDecimal());
        Assert.Equal(total, progress.GetProperty("cost").GetProperty("estimated").GetDecimal());
    }

    private async Task RecoverAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: false, CancellationToken.None);
    }
}
