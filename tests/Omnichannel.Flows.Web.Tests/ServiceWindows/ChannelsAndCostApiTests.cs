using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.ServiceWindows;

public sealed class ChannelsAndCostApiTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Channels_ShowEachReachableChannelsWindow()
    {
        // WhatsApp timestamps are whole seconds.
        var wroteAt = DateTimeOffset.FromUnixTimeSeconds(app.Clock.GetUtcNow().AddHours(-23).AddMinutes(-59).ToUnixTimeSeconds());
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", wroteAt);
        var admin = await app.CreateAdminClientAsync();

        var open = await ChannelsAsync(admin, contactId);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var closed = await ChannelsAsync(admin, contactId);

        var whatsApp = open.Single(c => c.GetProperty("channel").GetString() == "whatsapp");
        Assert.True(whatsApp.GetProperty("windowOpen").GetBoolean());
        Assert.Equal(wroteAt.AddHours(24).UtcDateTime, whatsApp.GetProperty("windowClosesAt").GetDateTime().ToUniversalTime());
        Assert.False(whatsApp.GetProperty("optedOut").GetBoolean());
        Assert.False(closed.Single(c => c.GetProperty("channel").GetString() == "whatsapp").GetProperty("windowOpen").GetBoolean());
        // The verified phone reaches SMS too, which has no window.
        var sms = closed.Single(c => c.GetProperty("channel").GetString() == "sms");
        Assert.True(sms.GetProperty("windowOpen").GetBoolean());
        Assert.Equal(JsonValueKind.Null, sms.GetProperty("windowClosesAt").ValueKind);
    }

    [Fact]
    public async Task TemplateCost_DependsOnTheRecipientsWindowAndMarket()
    {
        var template = await app.TemplateAsync("Your parcel {{1}} is on its way.", TemplateCategory.Utility);
        var inWindow = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", app.Clock.GetUtcNow().AddHours(-1));
        var outside = await app.CustomerWritesOnWhatsAppAsync("+447700900123", "hello", app.Clock.GetUtcNow().AddDays(-3));
        var admin = await app.CreateAdminClientAsync();

        var free = await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{template.Name}/cost?contactId={inWindow}");
        var charged = await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{template.Name}/cost?contactId={outside}");
        var noContact = await admin.GetAsync($"/api/templates/{template.Name}/cost");
        var unknown = await admin.GetAsync($"/api/templates/nope/cost?contactId={inWindow}");

        Assert.True(free.GetProperty("free").GetBoolean());
        Assert.Equal("utility", free.GetProperty("category").GetString());
        Assert.Equal("Germany", free.GetProperty("market").GetString());
        Assert.False(charged.GetProperty("free").GetBoolean());
        Assert.Equal("United Kingdom", charged.GetProperty("market").GetString());
        Assert.Equal(0.022m, charged.GetProperty("amount").GetDecimal());
        Assert.Equal(HttpStatusCode.BadRequest, noContact.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RateCards_AreUploadedByAdminsOnly_ValidatedWithWhere_AndUsedFromTheirDate()
    {
        var admin = await app.CreateAdminClientAsync();
        var agentEmail = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email = agentEmail, password = "Agent-Pa55word!" })).EnsureSuccessStatusCode();
        var agent = await app.CreateClientForAsync(agentEmail, "Agent-Pa55word!");
        var card = RateCardStore.ShippedCards.Single() with
        {
            EffectiveFrom = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime.AddDays(-1)),
            Markets = [.. RateCardStore.ShippedCards.Single().Markets.Select(m => m.Name == "Germany" ? m with { Marketing = 0.2m } : m)],
        };
        var json = JsonSerializer.Serialize(card, RateCard.Json);

        var byAgent = await agent.PutAsync("/api/pricing/whatsapp/rate-cards", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var invalid = await admin.PutAsync("/api/pricing/whatsapp/rate-cards",
            new StringContent(json.Replace("\"USD\"", "\"dollars\"", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));
        var notACard = await admin.PutAsync("/api/pricing/whatsapp/rate-cards", new StringContent("{ \"markets\": 3 }", System.Text.Encoding.UTF8, "application/json"));
        var uploaded = await admin.PutAsync("/api/pricing/whatsapp/rate-cards", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/pricing/whatsapp/rate-cards/current");
        var template = await app.TemplateAsync("{{1}}: our winter sale starts now.", TemplateCategory.Marketing);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", app.Clock.GetUtcNow().AddDays(-2));
        var cost = await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{template.Name}/cost?contactId={contactId}");

        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains((await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("path").GetString() == "/currency");
        Assert.Equal(HttpStatusCode.BadRequest, notACard.StatusCode);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(card.EffectiveFrom.ToString("yyyy-MM-dd"), current.GetProperty("effectiveFrom").GetString());
        Assert.Equal(0.2m, cost.GetProperty("amount").GetDecimal());
    }

    private static async Task<List<JsonElement>> ChannelsAsync(HttpClient admin, Guid contactId) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/channels")).GetProperty("items").EnumerateArray()];
}
