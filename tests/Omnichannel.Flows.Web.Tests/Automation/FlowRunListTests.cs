using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// <c>GET /api/flows/{id}/runs</c>: newest first, paged on a cursor that neither skips nor repeats runs created in the
/// same instant, filtered by state or by contact (with the profiles merged into it), and clear errors for bad input;
/// <c>GET /api/contacts/{id}/flow-runs</c>: a contact's runs of every flow.
/// </summary>
public sealed class FlowRunListTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task Pages_ListEveryRunOnce_NewestFirst_AlsoRunsCreatedInTheSameInstant()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "paged");
        var earlier = new[] { await StartAsync(admin, id), await StartAsync(admin, id) };
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var later = new[] { await StartAsync(admin, id), await StartAsync(admin, id), await StartAsync(admin, id) };

        var pages = new List<List<string>>();
        string? next = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}/runs?limit=2{(next is null ? "" : $"&before={next}")}");
            pages.Add([.. page.GetProperty("items").EnumerateArray().Select(run => run.GetProperty("id").GetString()!)]);
            next = page.GetProperty("next").GetString();
        }
        while (next is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        // Newest first; runs created in the same instant by id, descending.
        Assert.Equal([.. later.OrderDescending(StringComparer.Ordinal), .. earlier.OrderDescending(StringComparer.Ordinal)], pages.SelectMany(p => p));
    }

    [Fact]
    public async Task Filters_ByState_AndByContact_WithTheProfilesMergedIntoIt()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "filtered");
        var mergedAway = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "first profile");
        var other = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "another customer");
        var kept = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "second profile");
        var mergedAwayRun = await StartAsync(admin, id, mergedAway);
        var otherRun = await StartAsync(admin, id, other);
        var cancelledRun = await StartAsync(admin, id);
        (await admin.PostAsync($"/api/flow-runs/{cancelledRun}/cancel", null)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/contacts/{kept}/merge", new { otherContactId = mergedAway })).EnsureSuccessStatusCode();

        Assert.Equal([mergedAwayRun], await RunIdsAsync(admin, $"/api/flows/{id}/runs?contactId={kept}"));
        Assert.Equal([otherRun], await RunIdsAsync(admin, $"/api/flows/{id}/runs?contactId={other}"));
        Assert.Equal([cancelledRun], await RunIdsAsync(admin, $"/api/flows/{id}/runs?status=cancelled"));
        Assert.Equal(new[] { mergedAwayRun, otherRun }.Order(StringComparer.Ordinal),
            (await RunIdsAsync(admin, $"/api/flows/{id}/runs?status=Suspended")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AContactsRuns_OfEveryFlow_NewestFirst_IncludeThoseOfProfilesMergedIntoIt()
    {
        using var admin = await app.CreateAdminClientAsync();
        var first = await app.PublishWaitingFlowAsync(admin, "contact-a");
        var second = await app.PublishWaitingFlowAsync(admin, "contact-b");
        var mergedAway = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "first profile");
        var kept = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "second profile");
        var other = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "another customer");
        var older = await StartAsync(admin, first, mergedAway);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await StartAsync(admin, second, kept);
        await StartAsync(admin, first, other);
        (await admin.PostAsJsonAsync($"/api/contacts/{kept}/merge", new { otherContactId = mergedAway })).EnsureSuccessStatusCode();

        var items = (await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{kept}/flow-runs")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([newer, older], items.Select(run => run.GetProperty("id").GetString()));
        Assert.Equal([second, first], items.Select(run => run.GetProperty("flowId").GetString()));
        Assert.Equal($"Test flow {first}", items[1].GetProperty("flowName").GetString());
        Assert.Equal("suspended", items[0].GetProperty("status").GetString());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{kept}/flow-runs?limit=1")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AContactsRuns_OfNoSuchContact_Answer404_AndABadLimit400()
    {
        using var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/contacts/{Guid.NewGuid()}/flow-runs")).StatusCode);
        var response = await admin.GetAsync($"/api/contacts/{contactId}/flow-runs?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("before=not-a-cursor!", "before")]
    [InlineData("before=aGVsbG8", "before")]
    [InlineData("status=stuck", "status")]
    [InlineData("status=2", "status")]
    public async Task BadPagingInput_Answers400_NamingTheParameter(string query, string parameter)
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "bad-input");

        var response = await admin.GetAsync($"/api/flows/{id}/runs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task EachRun_NamesTheContactItIsFor_InTheListAndInItsJournal()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "named");
        var contact = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "whose run is this?");
        var name = (await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contact}")).GetProperty("displayName").GetString();
        var forContact = await StartAsync(admin, id, contact);
        var forNobody = await StartAsync(admin, id);

        var names = (await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}/runs")).GetProperty("items").EnumerateArray()
            .ToDictionary(run => run.GetProperty("id").GetString()!, run => run.GetProperty("contactName").GetString());
        var journal = await admin.GetFromJsonAsync<JsonElement>($"/api/flow-runs/{forContact}");

        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(name, names[forContact]);
        Assert.Null(names[forNobody]);
        Assert.Equal(name, journal.GetProperty("run").GetProperty("contactName").GetString());
    }

    [Fact]
    public async Task TheRunsOfAFlowThatDoesNotExist_Answer404()
    {
        using var admin = await app.CreateAdminClientAsync();

        var response = await admin.GetAsync($"/api/flows/{TestFlows.NewId("missing")}/runs");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static Task<string> StartAsync(HttpClient admin, string flowId, Guid? contactId = null) =>
        AutomationTimerTests.StartAsync(admin, flowId, contactId);

    private static async Task<List<string>> RunIdsAsync(HttpClient admin, string url) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray().Select(run => run.GetProperty("id").GetString()!)];
}
