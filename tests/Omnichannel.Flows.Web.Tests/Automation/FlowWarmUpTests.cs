using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.WarmUp;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// The built-in warm-up flow runs the timer resume path for real (wait, claim, resume, HTTP step, end) and leaves no row
/// of its runs behind; no imported flow can take its id.
/// </summary>
public sealed class FlowWarmUpTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    private const string HookPath = "/warm-up/hook";

    [Fact]
    public async Task WarmUp_RunsWaitThenCallThenEnd_ThroughTheTimerPump_AndDeletesEveryRowOfItsRuns()
    {
        app.Provider.RespondWith(HookPath, _ => FakeResponse.Json("{}"));
        var warmUp = app.Services.GetRequiredService<FlowWarmUp>();

        var running = warmUp.RunAsync(new Uri(app.Provider.BaseUrl, HookPath.TrimStart('/')), 12, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var waiting = await app.WaitForAsync(() => app.RunsAsync(FlowWarmUp.FlowId), runs => runs.Count == 12 && runs.All(r => r.Status == FlowStatus.Suspended),
            "the warm-up runs to wait on their timers");
        Assert.Empty(Calls()); // nothing is called before the wait ends
        var runIds = waiting.Select(run => run.Id).ToList();
        Assert.NotEqual(0, await JournalOfAsync(runIds));
        await app.WaitForAsync(ClaimedTimersAsync, claimed => claimed == 12, "the pump to claim the timers (due within its lookahead)");
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var finished = await running;

        Assert.Equal(12, finished);
        var calls = Calls();
        Assert.All(calls, call => Assert.Equal("POST", call.Method));
        Assert.Equal(12, calls.Select(call => call.Headers["Idempotency-Key"]).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 12), calls.Select(call => JsonDocument.Parse(call.Body).RootElement.GetProperty("warmUp").GetInt32()).Order());
        Assert.Equal(0, await JournalOfAsync(runIds));
        await AssertNoRowsLeftAsync();
    }

    [Fact]
    public async Task WarmUp_WhoseTimersDoNotFireInTime_GivesUpAtItsTimeout_AndStillDeletesItsRuns()
    {
        var warmUp = app.Services.GetRequiredService<FlowWarmUp>();

        // The fake clock stands still: the runs wait for good.
        var finished = await warmUp.RunAsync(new Uri(app.Provider.BaseUrl, "never"), 3, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.Equal(0, finished);
        await AssertNoRowsLeftAsync();
    }

    [Fact]
    public async Task Import_OfAFlowWithTheWarmUpFlowsId_Answers400AtItsId()
    {
        using var admin = await app.CreateAdminClientAsync();
        var document = TestFlows.Chain(FlowWarmUp.FlowId, TestFlows.Manual(), TestFlows.Record());

        var response = await admin.PostAsync("/api/flows/import", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors").EnumerateArray();
        Assert.Contains(errors, error => error.GetProperty("path").GetString() == "/id");
    }

    private List<RecordedRequest> Calls() => [.. app.Provider.Requests.Where(request => request.Path == HookPath)];

    private async Task<int> ClaimedTimersAsync()
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.FlowBookmarks.CountAsync(b => b.FlowId == FlowWarmUp.FlowId && b.FiringBy != null, TestContext.Current.CancellationToken);
    }

    private async Task<int> JournalOfAsync(List<string> runIds)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.FlowJournal.CountAsync(j => runIds.Contains(j.InstanceId), TestContext.Current.CancellationToken);
    }

    private async Task AssertNoRowsLeftAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(0, await db.FlowInstances.CountAsync(i => i.FlowId == FlowWarmUp.FlowId, cancellationToken));
        Assert.Equal(0, await db.FlowBookmarks.CountAsync(b => b.FlowId == FlowWarmUp.FlowId, cancellationToken));
        Assert.Equal(0, await db.FlowTriggerEvents.CountAsync(e => e.FlowId == FlowWarmUp.FlowId, cancellationToken));
        Assert.Equal(0, await db.FlowJournal.CountAsync(j => !db.FlowInstances.Any(i => i.Id == j.InstanceId), cancellationToken));
    }
}
