using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

public sealed class TemplateSyncTests : IClassFixture<FlowsAppFactory>
{
    private readonly FlowsAppFactory app;

    public TemplateSyncTests(FlowsAppFactory app)
    {
        this.app = app;
        // Every sync here is one the test starts: the hourly one must not take the scripted answers at the top of an hour.
        app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(WhatsAppTemplateSync.JobId);
    }

    [Fact]
    public async Task Sync_TwoPages_FollowsTheCursorAndStoresEveryTemplate()
    {
        var suffix = Suffix();
        app.Provider.Reset();
        app.Provider.Respond("/message_templates",
            FakeResponse.Json(MetaTemplatePayloads.Page("CURSOR-2",
                MetaTemplatePayloads.Template("1001", $"order_update_{suffix}", "en_US", "APPROVED", "UTILITY", "Hi {{1}}, order {{2}} shipped."),
                MetaTemplatePayloads.Template("1002", $"order_update_{suffix}", "de", "PENDING", "UTILITY", "Hallo {{1}}, Bestellung {{2}} ist unterwegs.", quality: "UNKNOWN"))),
            FakeResponse.Json(MetaTemplatePayloads.Page(null,
                MetaTemplatePayloads.Template("1003", $"spring_sale_{suffix}", "en_US", "REJECTED", "MARKETING", "Hi {{first_name}}, 20% off until {{end_date}}!",
                    quality: "UNKNOWN", rejectedReason: "PROMOTIONAL"))));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/templates/sync", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, counts.GetProperty("added").GetInt32());
        Assert.Equal(0, counts.GetProperty("updated").GetInt32());
        Assert.Equal(3, counts.GetProperty("listed").GetInt32());

        var calls = app.Provider.Requests.Where(r => r.Path.EndsWith("/message_templates", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, call =>
        {
            Assert.Equal("GET", call.Method);
            Assert.Equal("/v24.0/WABA-1/message_templates", call.Path);
            Assert.Equal("Bearer wa-access-token", call.Headers["Authorization"]);
            var query = QueryHelpers.ParseQuery(call.Query);
            Assert.Equal("100", query["limit"].ToString());
            Assert.Equal("id,name,language,status,category,quality_score,components,rejected_reason", query["fields"].ToString());
        });
        Assert.False(QueryHelpers.ParseQuery(calls[0].Query).ContainsKey("after"));
        Assert.Equal("CURSOR-2", QueryHelpers.ParseQuery(calls[1].Query)["after"].ToString());

        await using var db = await app.CreateDbContextAsync();
        var stored = await db.MessageTemplates.Where(t => t.Name.EndsWith(suffix)).OrderBy(t => t.ExternalId).ToListAsync();
        Assert.Equal(new[] { "1001", "1002", "1003" }, stored.Select(t => t.ExternalId));
        var english = stored[0];
        Assert.Equal(ChannelKind.WhatsApp, english.Channel);
        Assert.Equal(("en_US", TemplateCategory.Utility, TemplateStatus.Approved, TemplateQuality.Green), (english.Language, english.Category, english.Status, english.Quality));
        Assert.Equal("Hi {{1}}, order {{2}} shipped.", english.BodyText);
        Assert.Equal(new[] { "1", "2" }, english.BodyParameters);
        Assert.Equal(3, JsonDocument.Parse(english.Components).RootElement.GetArrayLength());
        Assert.Null(english.RejectedReason);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, english.LastSyncedAt);
        Assert.Equal((TemplateStatus.Pending, TemplateQuality.Unknown), (stored[1].Status, stored[1].Quality));
        var rejected = stored[2];
        Assert.Equal((TemplateCategory.Marketing, TemplateStatus.Rejected, "PROMOTIONAL"), (rejected.Category, rejected.Status, rejected.RejectedReason));
        Assert.Equal(new[] { "first_name", "end_date" }, rejected.BodyParameters);
    }

    [Fact]
    public async Task Sync_Again_UpdatesWhatChangedAndMarksWhatMetaNoLongerListsDeleted()
    {
        var suffix = Suffix();
        var welcome = MetaTemplatePayloads.Template("2001", $"welcome_{suffix}", "en_US", "APPROVED", "MARKETING", "Welcome {{1}}!");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Reset();
        app.Provider.Respond("/message_templates", FakeResponse.Json(MetaTemplatePayloads.Page(null,
            welcome,
            MetaTemplatePayloads.Template("2002", $"receipt_{suffix}", "en_US", "APPROVED", "UTILITY", "Receipt {{1}}"),
            MetaTemplatePayloads.Template("2003", $"old_promo_{suffix}", "en_US", "APPROVED", "MARKETING", "Promo {{1}}"))));
        (await admin.PostAsync("/api/templates/sync", null)).EnsureSuccessStatusCode();
        app.Clock.Advance(TimeSpan.FromHours(1));
        app.Provider.Reset();
        app.Provider.Respond("/message_templates", FakeResponse.Json(MetaTemplatePayloads.Page(null,
            welcome,
            MetaTemplatePayloads.Template("2002", $"receipt_{suffix}", "en_US", "PAUSED", "UTILITY", "Receipt {{1}}", quality: "RED"))));

        var response = await admin.PostAsync("/api/templates/sync", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1, 1), (counts.GetProperty("added").GetInt32(), counts.GetProperty("updated").GetInt32(), counts.GetProperty("deleted").GetInt32()));
        await using var db = await app.CreateDbContextAsync();
        var stored = await db.MessageTemplates.Where(t => t.Name.EndsWith(suffix)).ToDictionaryAsync(t => t.ExternalId!);
        Assert.Equal((TemplateStatus.Paused, TemplateQuality.Red), (stored["2002"].Status, stored["2002"].Quality));
        Assert.Equal(TemplateStatus.Approved, stored["2001"].Status);
        Assert.Equal(TemplateStatus.Deleted, stored["2003"].Status);
        Assert.Equal("Promo {{1}}", stored["2003"].BodyText);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, stored["2001"].LastSyncedAt);
        Assert.NotEqual(stored["2001"].LastSyncedAt, stored["2003"].LastSyncedAt);
    }

    [Fact]
    public async Task Sync_GraphRefuses_IsProblemWithMetasCodeAndChangesNothing()
    {
        var suffix = Suffix();
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Reset();
        app.Provider.Respond("/message_templates", FakeResponse.Json(MetaTemplatePayloads.Page(null,
            MetaTemplatePayloads.Template("3001", $"kept_{suffix}", "en_US", "APPROVED", "UTILITY", "Kept {{1}}"))));
        (await admin.PostAsync("/api/templates/sync", null)).EnsureSuccessStatusCode();
        app.Provider.Reset();
        app.Provider.Respond("/message_templates", FakeResponse.Json(
            """{ "error": { "message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463 } }""", 401));

        var response = await admin.PostAsync("/api/templates/sync", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("190/463", problem.GetProperty("code").GetString());
        Assert.Contains("Session has expired", problem.GetProperty("detail").GetString());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(TemplateStatus.Approved, (await db.MessageTemplates.SingleAsync(t => t.Name == $"kept_{suffix}")).Status);
    }

    [Fact]
    public async Task Sync_SecondPageFails_ChangesNothing()
    {
        var suffix = Suffix();
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Reset();
        app.Provider.Respond("/message_templates",
            FakeResponse.Json(MetaTemplatePayloads.Page("NEXT", MetaTemplatePayloads.Template("4001", $"half_{suffix}", "en_US", "APPROVED", "UTILITY", "Half {{1}}"))),
            FakeResponse.Json("""{ "error": { "message": "Invalid parameter", "code": 100 } }""", 400));

        var response = await admin.PostAsync("/api/templates/sync", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.MessageTemplates.AnyAsync(t => t.Name == $"half_{suffix}"));
    }

    [Fact]
    public async Task Sync_AsAgent_IsForbidden()
    {
        var agent = await app.CreateClientWithRoleAsync("Agent");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/templates/sync", null)).StatusCode);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
