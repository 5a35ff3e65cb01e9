using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary><c>POST /api/flows/{id}/start</c>: the profile a run is for, and clear refusals.</summary>
public sealed class ManualStartTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task AStartForAProfileMergedSince_RunsForTheProfileItWasMergedInto()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "merged-start");
        var mergedAway = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "first profile");
        var kept = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "second profile");
        (await admin.PostAsJsonAsync($"/api/contacts/{kept}/merge", new { otherContactId = mergedAway })).EnsureSuccessStatusCode();

        var response = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { contactId = mergedAway });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(kept, started.GetProperty("contactId").GetGuid());
        var run = Assert.Single(await app.RunsAsync(id));
        Assert.Equal(kept.ToString(), run.SubjectId);
    }

    [Fact]
    public async Task AStartForNoSuchContact_Answers400NamingContactId_AndStartsNothing()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishWaitingFlowAsync(admin, "unknown-contact");

        var response = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { contactId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("contactId", out _));
        Assert.Empty(await app.RunsAsync(id));
    }

    [Fact]
    public async Task TriggerData_IsReadAsTrigger_AndDataThatIsNotAnObject_Answers400NamingPayload()
    {
        using var admin = await app.CreateAdminClientAsync();
        var flow = TestFlows.Chain(TestFlows.NewId("trigger-data"), TestFlows.Manual(),
            TestFlows.Node("reason", "flow.setVariable", new JsonObject { ["name"] = "reason", ["value"] = "because: {{ trigger.reason }}" }));
        flow["concurrency"] = "parallel";
        var id = await app.PublishAsync(admin, flow);

        var refused = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { payload = new[] { "callback" } });
        var started = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { payload = new { reason = "callback" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("payload", out _));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();
        Assert.Equal(runId, Assert.Single(await app.RunsAsync(id)).Id);
        var run = await admin.GetFromJsonAsync<JsonElement>($"/api/flow-runs/{runId}");
        Assert.Contains(run.GetProperty("journal").EnumerateArray(),
            step => step.GetProperty("inputs").TryGetProperty("value", out var value) && value.GetString() == "because: callback");
    }

    [Fact]
    public async Task AFlowWithoutAManualTrigger_Answers409()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("no-manual"), TestFlows.TagAdded("no-manual"), TestFlows.Record()));

        var response = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no flow.manualTrigger node", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADraftFlow_Answers409_AndNoSuchFlow_Answers404()
    {
        using var admin = await app.CreateAdminClientAsync();
        var draft = TestFlows.Chain(TestFlows.NewId("draft-only"), TestFlows.Manual(), TestFlows.Record());
        Assert.True((await admin.PostAsJsonAsync("/api/flows/import", draft)).IsSuccessStatusCode);

        var notLive = await admin.PostAsJsonAsync($"/api/flows/{draft["id"]}/start", new { });
        var missing = await admin.PostAsJsonAsync($"/api/flows/{TestFlows.NewId("nowhere")}/start", new { });

        Assert.Equal(HttpStatusCode.Conflict, notLive.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}
