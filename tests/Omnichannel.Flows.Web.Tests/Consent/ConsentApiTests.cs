using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

public sealed class ConsentApiTests(ConsentAppFactory app) : IClassFixture<ConsentAppFactory>
{
    [Fact]
    public async Task Post_AnAgentsOptOut_Is201_RecordsWhoDidIt_AndGetShowsStateAndHistory()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent",
            new { channel = "whatsapp", scope = "all", optedIn = false, note = "Asked on the phone to hear nothing more." });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/contacts/{contactId}/consent", response.Headers.Location?.OriginalString);
        var consent = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/consent");
        var current = Assert.Single(consent.GetProperty("current").EnumerateArray());
        Assert.Equal(("whatsapp", "all", false, "agent"), (current.GetProperty("channel").GetString(), current.GetProperty("scope").GetString(),
            current.GetProperty("optedIn").GetBoolean(), current.GetProperty("source").GetString()));
        var change = Assert.Single(consent.GetProperty("history").EnumerateArray());
        Assert.Equal("Asked on the phone to hear nothing more.", change.GetProperty("detail").GetString());
        Assert.Equal(FlowsAppFactory.AdminEmail, change.GetProperty("changedByName").GetString());
        Assert.False(string.IsNullOrEmpty(change.GetProperty("changedByUserId").GetString()));
        Assert.Equal([SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.WhatsApp));
    }

    [Fact]
    public async Task Get_AfterAnSmsStop_ShowsTheKeywordAndItsMessage()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "Stop.");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        var consent = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/consent");

        var change = Assert.Single(consent.GetProperty("history").EnumerateArray());
        Assert.Equal(("sms", "keyword", "Stop."), (change.GetProperty("channel").GetString(), change.GetProperty("source").GetString(), change.GetProperty("detail").GetString()));
        Assert.Equal(JsonValueKind.String, change.GetProperty("messageId").ValueKind);
    }

    [Fact]
    public async Task Post_WhatTheCustomersConsentAlreadySays_Is200AndRecordsNothing()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var request = new { channel = "sms", scope = "marketing", optedIn = false };
        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent", request);

        var again = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent", request);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("history").EnumerateArray());
    }

    [Theory]
    [InlineData("""{ "scope": "all", "optedIn": false }""", "channel")]
    [InlineData("""{ "channel": "pigeon", "scope": "all", "optedIn": false }""", "channel")]
    [InlineData("""{ "channel": "sms", "optedIn": false }""", "scope")]
    [InlineData("""{ "channel": "sms", "scope": "promotions", "optedIn": false }""", "scope")]
    [InlineData("""{ "channel": "sms", "scope": "all" }""", "optedIn")]
    [InlineData("""{ "channel": "sms", "scope": "all", "optedIn": true }""", "note")]
    [InlineData("""{ "channel": "sms", "scope": "all", "optedIn": true, "note": "  " }""", "note")]
    public async Task Post_Invalid_Is400NamingTheField(string body, string field)
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var response = await admin.PostAsync($"/api/contacts/{contactId}/consent", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for '{field}': {problem}");
        Assert.Empty(await app.HistoryAsync(contactId));
    }

    [Fact]
    public async Task Post_ANoteTooLong_Is400()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent",
            new { channel = "sms", scope = "all", optedIn = false, note = new string('x', ConsentChange.MaxDetailLength + 1) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("note", out _));
    }

    [Fact]
    public async Task Post_NotJson_Is400WithWhere()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var response = await admin.PostAsync($"/api/contacts/{contactId}/consent",
            new StringContent("""{ "channel": "sms", "scope": "all", "optedIn": "nope" }""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/optedIn", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task GetAndPost_ForAnUnknownContact_Are404()
    {
        var admin = await app.CreateAdminClientAsync();

        var get = await admin.GetAsync($"/api/contacts/{Guid.NewGuid()}/consent");
        var post = await admin.PostAsJsonAsync($"/api/contacts/{Guid.NewGuid()}/consent", new { channel = "sms", scope = "all", optedIn = false });

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_AsAMarketingUser_IsForbidden_ButReadingIsNot()
    {
        var admin = await app.CreateAdminClientAsync();
        var email = $"marketing-{Guid.NewGuid():N}@test.local";
        (await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Mo Marketing", password = "Marketing-Pa55!", roles = new[] { "Marketing" } }))
            .EnsureSuccessStatusCode();
        var marketing = await app.CreateClientForAsync(email, "Marketing-Pa55!");
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var post = await marketing.PostAsJsonAsync($"/api/contacts/{contactId}/consent", new { channel = "whatsapp", scope = "marketing", optedIn = true, note = "said yes" });
        var get = await marketing.GetAsync($"/api/contacts/{contactId}/consent");

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Empty(await app.HistoryAsync(contactId));
    }
}
