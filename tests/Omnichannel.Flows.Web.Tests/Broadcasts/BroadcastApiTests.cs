using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>Drafts through the API: who may use it, what is refused and where, which state changes are allowed.</summary>
public sealed class BroadcastApiTests(BroadcastAppFactory app) : IClassFixture<BroadcastAppFactory>
{
    [Fact]
    public async Task Broadcasts_AreForMarketingAndAdmins_NotAgents()
    {
        var agent = await app.CreateUserClientAsync("Agent");
        var marketing = await app.CreateUserClientAsync("Marketing");

        var refused = await agent.GetAsync("/api/broadcasts");
        var created = await marketing.PostAsJsonAsync("/api/broadcasts", new { name = "Spring news" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", draft.GetProperty("state").GetString());
        Assert.Equal("marketing", draft.GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task Create_WithInvalidParts_Is400NamingEachByItsJsonPointer()
    {
        var template = await app.TemplateAsync("Hi {{1}} and {{2}}", TemplateCategory.Marketing);
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/broadcasts", new
        {
            name = "",
            purpose = "transactional",
            audience = new { tags = new[] { " " }, tagMatch = "some", reachableOn = new[] { "fax" }, fields = new[] { new { key = "bad key", equals = "x" } } },
            channels = new[] { "whatsapp", "sms", "sms" },
            content = new Dictionary<string, object>
            {
                ["whatsapp"] = new { template = new { name = template.Name, language = template.Language }, parameters = new Dictionary<string, object> { ["1"] = new { field = "contact.shoe_size" } } },
                ["sms"] = new { text = "Hi {{contact.nickname}}" },
                ["email"] = new { text = "not a channel of this broadcast" },
            },
            quietHours = new { start = "9pm", end = "08:00" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "/name", "/audience/tags/0", "/audience/tagMatch", "/audience/reachableOn/0", "/audience/fields/0/key", "/channels/2",
            "/content/whatsapp/template/name", "/content/whatsapp/parameters/2", "/content/whatsapp/parameters/1/field", "/content/sms/text",
            "/content/email", "/quietHours/start",
        }, errors);
    }

    [Fact]
    public async Task BadJson_Is400WithWhereItBroke_NotA500()
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/broadcasts", new StringContent("""{ "name": "x", "channels": "whatsapp" }""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/channels", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task Estimate_OfAnIncompleteDraft_SaysWhatIsMissing()
    {
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(new { name = "Half done", channels = new[] { "sms" } });

        var response = await admin.GetAsync($"/api/broadcasts/{id}/estimate");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/content/sms", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Drafts_AreEdited_Listed_AndOnlyStateChangesThatMakeSenseAreAllowed()
    {
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(new { name = "First name" });

        var edited = await admin.PutAsJsonAsync($"/api/broadcasts/{id}", new { name = "Second name", channels = new[] { "sms" }, content = new { sms = new { text = "Hi" } } });
        var pauseDraft = await admin.PostAsync($"/api/broadcasts/{id}/pause", null);
        var cancelled = await admin.PostAsync($"/api/broadcasts/{id}/cancel", null);
        var editCancelled = await admin.PutAsJsonAsync($"/api/broadcasts/{id}", new { name = "Third name" });
        var resumeCancelled = await admin.PostAsync($"/api/broadcasts/{id}/resume", null);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/broadcasts?state=cancelled&pageSize=100");
        var badPage = await admin.GetAsync("/api/broadcasts?pageSize=1000");
        var unknown = await admin.GetAsync($"/api/broadcasts/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("Hi", (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("definition").GetProperty("content").GetProperty("sms").GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Conflict, pauseDraft.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, editCancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, resumeCancelled.StatusCode);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), b => b.GetProperty("id").GetGuid() == id && b.GetProperty("name").GetString() == "Second name");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
