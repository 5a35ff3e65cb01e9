using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

public sealed class TemplateListTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task List_FiltersByCategoryStatusLanguageAndSearch_InTheDatabase()
    {
        var tag = Tag();
        await SeedTemplatesAsync(
            ($"shipped_{tag}", "en_US", TemplateCategory.Utility, TemplateStatus.Approved, "Your parcel {{1}} left us."),
            ($"shipped_{tag}", "de", TemplateCategory.Utility, TemplateStatus.Pending, "Ihr Paket {{1}} ist unterwegs."),
            ($"sale_{tag}", "en_US", TemplateCategory.Marketing, TemplateStatus.Approved, "Big sale, {{1}}!"),
            ($"gone_{tag}", "en_US", TemplateCategory.Utility, TemplateStatus.Deleted, "Old text"));
        var agent = await app.CreateClientWithRoleAsync("Agent");

        var all = await NamesAsync(agent, $"?search={tag}");
        var utility = await NamesAsync(agent, $"?channel=whatsapp&category=utility&search={tag}");
        var approvedUtility = await NamesAsync(agent, $"?category=UTILITY&status=approved&search={tag}");
        var deleted = await NamesAsync(agent, $"?status=deleted&search={tag}");
        var german = await NamesAsync(agent, $"?language=de&search={tag}");
        var byBody = await NamesAsync(agent, "?search=parcel");

        Assert.Equal(new[] { $"sale_{tag}/en_US", $"shipped_{tag}/de", $"shipped_{tag}/en_US" }, all);
        Assert.Equal(new[] { $"shipped_{tag}/de", $"shipped_{tag}/en_US" }, utility);
        Assert.Equal(new[] { $"shipped_{tag}/en_US" }, approvedUtility);
        Assert.Equal(new[] { $"gone_{tag}/en_US" }, deleted);
        Assert.Equal(new[] { $"shipped_{tag}/de" }, german);
        Assert.Contains($"shipped_{tag}/en_US", byBody);
    }

    [Fact]
    public async Task List_ShowsEveryTemplatesDetails()
    {
        var tag = Tag();
        await SeedTemplatesAsync(($"receipt_{tag}", "en_US", TemplateCategory.Utility, TemplateStatus.Rejected, "Receipt {{1}} for {{2}}"));
        var agent = await app.CreateClientWithRoleAsync("Agent");

        var list = await agent.GetFromJsonAsync<JsonElement>($"/api/templates?search={tag}");

        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("template", item.GetProperty("kind").GetString());
        Assert.Equal("en_US", item.GetProperty("language").GetString());
        Assert.Equal("utility", item.GetProperty("category").GetString());
        Assert.Equal("rejected", item.GetProperty("status").GetString());
        Assert.Equal("green", item.GetProperty("quality").GetString());
        Assert.Equal("Receipt {{1}} for {{2}}", item.GetProperty("text").GetString());
        Assert.Equal(new[] { "1", "2" }, item.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("TAG_CONTENT_MISMATCH", item.GetProperty("rejectedReason").GetString());
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, item.GetProperty("lastSyncedAt").GetDateTime());
    }

    [Fact]
    public async Task List_ForAnotherChannel_ShowsTheSavedRepliesThatApplyToIt()
    {
        var tag = Tag();
        await SeedTemplatesAsync(($"hello_{tag}", "en_US", TemplateCategory.Utility, TemplateStatus.Approved, "Hello"));
        var admin = await app.CreateAdminClientAsync();
        foreach (var (name, channels) in new[] { ($"everywhere {tag}", Array.Empty<string>()), ($"sms only {tag}", new[] { "sms" }), ($"email only {tag}", new[] { "email" }) })
        {
            (await admin.PostAsJsonAsync("/api/saved-replies", new { name, text = $"Reply {tag}", channels })).EnsureSuccessStatusCode();
        }

        var agent = await app.CreateClientWithRoleAsync("Agent");

        var sms = await agent.GetFromJsonAsync<JsonElement>($"/api/templates?channel=sms&search={tag}");
        var whatsapp = await NamesAsync(agent, $"?channel=whatsapp&search={tag}");

        var items = sms.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { $"everywhere {tag}", $"sms only {tag}" }, items.Select(i => i.GetProperty("name").GetString()));
        Assert.All(items, i => Assert.Equal("savedReply", i.GetProperty("kind").GetString()));
        Assert.Equal(new[] { $"hello_{tag}/en_US", $"everywhere {tag}/" }, whatsapp);
    }

    [Theory]
    [InlineData("?channel=fax", "channel")]
    [InlineData("?category=promo", "category")]
    [InlineData("?status=approvedd", "status")]
    public async Task List_UnknownFilterValue_Is400NamingTheParameter(string query, string field)
    {
        var agent = await app.CreateClientWithRoleAsync("Agent");

        var response = await agent.GetAsync($"/api/templates{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Get_OneTemplate_ByNameAndLanguage_WithItsComponents()
    {
        var tag = Tag();
        await SeedTemplatesAsync(
            ($"code_{tag}", "en_US", TemplateCategory.Authentication, TemplateStatus.Approved, "{{1}} is your code."),
            ($"code_{tag}", "fr", TemplateCategory.Authentication, TemplateStatus.Approved, "{{1}} est votre code."));
        var agent = await app.CreateClientWithRoleAsync("Agent");

        var french = await agent.GetFromJsonAsync<JsonElement>($"/api/templates/code_{tag}?language=fr");
        var ambiguous = await agent.GetAsync($"/api/templates/code_{tag}");
        var missing = await agent.GetAsync($"/api/templates/code_{tag}?language=de");

        Assert.Equal("{{1}} est votre code.", french.GetProperty("text").GetString());
        Assert.Equal("BODY", french.GetProperty("components")[0].GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, ambiguous.StatusCode);
        Assert.Contains("en_US", await ambiguous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task SeedTemplatesAsync(params (string Name, string Language, TemplateCategory Category, TemplateStatus Status, string Body)[] templates)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await using var db = await app.CreateDbContextAsync();
        foreach (var (name, language, category, status, body) in templates)
        {
            db.MessageTemplates.Add(new MessageTemplate
            {
                Channel = ChannelKind.WhatsApp, ExternalId = Random.Shared.NextInt64(1_000_000, 9_000_000).ToString(),
                Name = name, Language = language, Category = category, Status = status, Quality = TemplateQuality.Green,
                Components = JsonSerializer.Serialize(new[] { new { type = "BODY", text = body } }),
                BodyText = body, BodyParameters = TemplateText.Placeholders(body),
                RejectedReason = status == TemplateStatus.Rejected ? "TAG_CONTENT_MISMATCH" : null,
                CreatedAt = now, UpdatedAt = now, LastSyncedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string query)
    {
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/templates{query}");
        return [.. list.GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("name").GetString()}/{(i.GetProperty("language").ValueKind == JsonValueKind.String ? i.GetProperty("language").GetString() : "")}")];
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..10];
}
