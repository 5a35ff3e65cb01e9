using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary><c>POST /api/flows/{id}/runs/retry</c>: the whole dead letter of a flow retried in the background, each run once.</summary>
public sealed class FaultedRunRetryTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task RetryingAFlowsFaultedRuns_CarriesEachOnOnce_AndLeavesTheOthers()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await PublishFlakyFlowAsync(admin);
        app.Effects.Failing = true;
        string[] faulted = [await StartAsync(admin, id), await StartAsync(admin, id), await StartAsync(admin, id)];
        app.Effects.Failing = false;
        var finished = await StartAsync(admin, id);

        var response = await admin.PostAsync($"/api/flows/{id}/runs/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runs").GetInt32());
        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.All(run => run.Status == FlowStatus.Finished), "every run to finish");
        Assert.Equal(4, runs.Count);
        Assert.All(faulted.Append(finished), run => Assert.Equal(1, app.Effects.CountFor(run)));
    }

    [Fact]
    public async Task ARunThatFaultsAgain_IsRetriedOnce_AndStaysFaulted()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await PublishFlakyFlowAsync(admin);
        app.Effects.Failing = true;
        string[] faulted = [await StartAsync(admin, id), await StartAsync(admin, id)];

        var response = await admin.PostAsync($"/api/flows/{id}/runs/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var run in faulted)
        {
            await app.WaitForAsync(() => FlakyAttemptsAsync(admin, run), attempts => attempts.Contains(2), $"run {run} to be retried");
        }

        await Task.Delay(300, TestContext.Current.CancellationToken); // room for a wrong second retry to show
        foreach (var run in faulted)
        {
            Assert.Equal([1, 2], await FlakyAttemptsAsync(admin, run));
        }

        Assert.All(await app.RunsAsync(id), run => Assert.Equal(FlowStatus.Faulted, run.Status));
        app.Effects.Failing = false;
    }

    [Fact]
    public async Task TheFlowsListAndAFlow_CountItsActiveAndFaultedRuns()
    {
        using var admin = await app.CreateAdminClientAsync();
        var flaky = await PublishFlakyFlowAsync(admin);
        var waiting = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("counted"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        app.Effects.Failing = true;
        await StartAsync(admin, flaky);
        await StartAsync(admin, flaky);
        app.Effects.Failing = false;
        await StartAsync(admin, flaky);
        await StartAsync(admin, waiting);

        var list = (await admin.GetFromJsonAsync<JsonElement>("/api/flows")).GetProperty("items").EnumerateArray()
            .ToDictionary(flow => flow.GetProperty("id").GetString()!, flow => Counts(flow.GetProperty("runs")));

        Assert.Equal((0, 2), list[flaky]);
        Assert.Equal((1, 0), list[waiting]);
        Assert.Equal((0, 2), Counts((await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{flaky}")).GetProperty("flow").GetProperty("runs")));
        Assert.Equal((1, 0), Counts((await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{waiting}")).GetProperty("flow").GetProperty("runs")));

        static (int Active, int Faulted) Counts(JsonElement runs) => (runs.GetProperty("active").GetInt32(), runs.GetProperty("faulted").GetInt32());
    }

    [Fact]
    public async Task RetryingTheRunsOfAFlowThatDoesNotExist_Answers404()
    {
        using var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync($"/api/flows/{TestFlows.NewId("missing")}/runs/retry", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<string> PublishFlakyFlowAsync(HttpClient admin)
    {
        var flow = TestFlows.Chain(TestFlows.NewId("dead-letter"), TestFlows.Manual(), TestFlows.Node("flaky", "test.flaky"), TestFlows.Record());
        flow["concurrency"] = "parallel";
        return await app.PublishAsync(admin, flow);
    }

    private static async Task<string> StartAsync(HttpClient admin, string flowId) => await AutomationTimerTests.StartAsync(admin, flowId);

    /// <summary>The attempts of the run's flaky step, from its journal.</summary>
    private static async Task<List<int>> FlakyAttemptsAsync(HttpClient admin, string runId)
    {
        var run = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runId}");
        return [.. run!["journal"]!.AsArray().Where(step => step!["nodeId"]?.GetValue<string>() == "flaky").Select(step => step!["attempt"]!.GetValue<int>())];
    }
}
