using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Automation.Definitions;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>Flow definitions through the API: import, drafts, publish, export, schema, catalog and who may do what.</summary>
public sealed class AutomationApiTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task Import_ValidFlow_Returns201WithIdAndVersion_AndIsListedAsDraft()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("welcome");

        var response = await PostJsonAsync(admin, "/api/flows/import", TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var flow = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}");
        Assert.Null(flow.GetProperty("flow").GetProperty("publishedVersion").GetInt32OrNull());
        Assert.Equal("draft", flow.GetProperty("versions")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Import_WithoutId_CreatesANewFlowNamedAfterIt()
    {
        using var admin = await app.CreateAdminClientAsync();
        var document = TestFlows.Chain("ignored", TestFlows.Manual(), TestFlows.Record());
        document.Remove("id");
        document["name"] = "Win back lapsed buyers";

        var first = await (await PostJsonAsync(admin, "/api/flows/import", document)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await PostJsonAsync(admin, "/api/flows/import", document)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.StartsWith("win-back-lapsed-buyers", first.GetProperty("id").GetString());
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Import_InvalidFlow_Answers400WithEveryErrorPath_AndSavesNothing()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("broken");
        var document = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Node("send", "no.suchActivity"), TestFlows.Wait("soon"));

        var response = await PostJsonAsync(admin, "/api/flows/import", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.TryGetProperty("node", out var node) ? node.GetString() : null);
        Assert.Equal("send", errors["/nodes/1/type"]);
        Assert.Contains("/nodes/2/inputs/duration", errors.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/flows/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("{\n  \"name\": \"x\",\n  nope\n}", "not valid JSON at line 3, position 3")]
    [InlineData("{ \"name\": \"x\" ", "not valid JSON at line 1")]
    [InlineData("[]", "a JSON array, not a flow document")]
    [InlineData("null", "JSON null, not a flow document")]
    public async Task Import_NotAJsonObject_Answers400SayingWhatAndWhere(string body, string expected)
    {
        using var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/flows/import", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
        Assert.Equal("", error.GetProperty("path").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Import_ExistingId_AddsANewDraftVersion_WhilePublishedStays()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("versions");
        await app.PublishAsync(admin, TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H")));

        var response = await PostJsonAsync(admin, "/api/flows/import", TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT2H")));

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var flow = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}");
        Assert.Equal(1, flow.GetProperty("flow").GetProperty("publishedVersion").GetInt32());
        Assert.Equal(["draft", "published"], flow.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("status").GetString()));
        Assert.Contains("PT1H", await admin.GetStringAsync($"/api/flows/{id}/export"));
        Assert.Contains("PT2H", await admin.GetStringAsync($"/api/flows/{id}/export?version=2"));
    }

    [Fact]
    public async Task PublishingAnEarlierVersion_RollsBack_NewRunsStartOnIt_AndRunsGoingStayOnTheirs()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("rollback");
        var first = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H"));
        first["concurrency"] = "parallel";
        await app.PublishAsync(admin, first);
        var second = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT2H"));
        second["concurrency"] = "parallel";
        await app.PublishAsync(admin, second);
        var going = await AutomationTimerTests.StartAsync(admin, id);

        var publish = await admin.PostAsync($"/api/flows/{id}/publish?version=1", null);
        var started = await AutomationTimerTests.StartAsync(admin, id);

        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        Assert.Equal(1, (await publish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var runs = (await app.RunsAsync(id)).ToDictionary(run => run.Id, run => run.Version);
        Assert.Equal((2, 1), (runs[going], runs[started]));
        var flow = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}");
        Assert.Equal(1, flow.GetProperty("flow").GetProperty("publishedVersion").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/flows/{id}/publish?version=3", null)).StatusCode);
    }

    [Fact]
    public async Task Import_ADocumentOverTheSizeLimit_Is400AtTheRoot_AndSavesNothing()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("oversized");
        var flow = TestFlows.Chain(id, TestFlows.Manual(),
            TestFlows.Node("note", "flow.setVariable", new JsonObject { ["name"] = "v", ["value"] = new string('x', FlowDefinitions.MaxDocumentCharacters) }));

        var response = await PostJsonAsync(admin, "/api/flows/import", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal("", error.GetProperty("path").GetString());
        Assert.StartsWith("The body is larger than 1,024 K characters", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/flows/{id}")).StatusCode);
    }

    [Fact]
    public async Task PutDraft_ThenPublish_MakesTheDraftLive()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("drafts");
        await PostJsonAsync(admin, "/api/flows", TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H")));

        var put = await admin.PutAsync($"/api/flows/{id}", Json(TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT3H"))));
        var publish = await admin.PostAsync($"/api/flows/{id}/publish", null);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        var flow = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}");
        Assert.Equal(1, flow.GetProperty("flow").GetProperty("publishedVersion").GetInt32());
        Assert.Contains("PT3H", await admin.GetStringAsync($"/api/flows/{id}/export"));
    }

    [Fact]
    public async Task Export_ThenImport_GivesTheSameDocument()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("roundtrip");
        var document = TestFlows.Chain(id, TestFlows.TagAdded("vip"), TestFlows.Wait("PT30M"), TestFlows.Record());
        document["description"] = "Greets VIPs after half an hour.";
        document["concurrency"] = "restart";
        await app.PublishAsync(admin, document);

        var exported = await admin.GetStringAsync($"/api/flows/{id}/export?version=1");
        await PostJsonAsync(admin, "/api/flows/import", JsonNode.Parse(exported)!.AsObject());
        var again = await admin.GetStringAsync($"/api/flows/{id}/export?version=2");

        Assert.Equal(exported.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal), again);
        Assert.True(JsonNode.DeepEquals(document, JsonNode.Parse(exported)), exported);
    }

    [Fact]
    public async Task Schema_And_ActivityCatalog_AreServed()
    {
        using var agent = await app.CreateClientWithRoleAsync(Roles.Agent);

        var schema = await agent.GetFromJsonAsync<JsonElement>("/api/flows/schema");
        var catalog = await agent.GetFromJsonAsync<JsonElement>("/api/activities");

        Assert.Equal("https://schemas.omnichannel-flows.org/flow/1/flow.schema.json", schema.GetProperty("$id").GetString());
        var wait = catalog.EnumerateArray().Single(a => a.GetProperty("type").GetString() == "flow.wait");
        Assert.Equal("duration", wait.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal("duration", wait.GetProperty("inputs")[0].GetProperty("kind").GetString());
        Assert.Equal(["done"], wait.GetProperty("ports").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(catalog.EnumerateArray(), a => a.GetProperty("type").GetString() == "flow.manualTrigger" && a.GetProperty("isTrigger").GetBoolean());
    }

    [Fact]
    public async Task Agent_MayRead_ButNotImportEditPublishOrDisable()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("roles");
        await app.PublishAsync(admin, TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Record()));
        using var agent = await app.CreateClientWithRoleAsync(Roles.Agent);
        using var marketing = await app.CreateClientWithRoleAsync(Roles.Marketing);

        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/flows/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostJsonAsync(agent, "/api/flows/import", TestFlows.Chain(id, TestFlows.Manual()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync($"/api/flows/{id}", Json(TestFlows.Chain(id, TestFlows.Manual())))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/flows/{id}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/flows/{id}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostJsonAsync(marketing, "/api/flows/import", TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Record()))).StatusCode);
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, JsonObject body) => client.PostAsync(url, Json(body));

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}

internal static class JsonElementExtensions
{
    public static int? GetInt32OrNull(this JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetInt32();
}
