using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>Durable waits: timers are rows the pump fires by the app's clock, once, also after a restart.</summary>
public sealed class AutomationTimerTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task WaitTimer_FiresAfterItsDueTime_NotBefore_AndOnlyOnce()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("wait"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);
        var startedAt = app.Clock.GetUtcNow();

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(59));
        Assert.Equal(0, app.Effects.CountFor(runId));
        Assert.Equal(FlowStatus.Suspended, (await app.RunsAsync(id)).Single().Status);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(2));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(2));

        var fired = Assert.Single(app.Effects.Recorded, r => r.InstanceId == runId);
        Assert.True(fired.At >= startedAt + TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task AWaitTakenUpLate_RecordsHowLateInTheLatenessMetric()
    {
        var lateness = new List<double>();
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("late"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FlowsTelemetry.Name && instrument.Name == "flows.timers.lateness")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            if (tags.ToArray().Contains(new("flow.id", id)) && tags.ToArray().Contains(new("timer.kind", "wait")))
            {
                lock (lateness) { lateness.Add(seconds); }
            }
        });
        listener.Start();
        var runId = await StartAsync(admin, id);

        // Nothing takes it up while the app's clock stands still; the pump's first pass after the jump finds it a minute late.
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(61));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish");

        Assert.Equal(1, app.Effects.CountFor(runId));
        lock (lateness)
        {
            Assert.Equal([60.0], lateness);
        }
    }

    [Fact]
    public async Task WaitTimer_ClaimedAheadOfItsDueTime_ResumesOnItsDueTime()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("ahead"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);
        var dueAt = app.Clock.GetUtcNow() + TimeSpan.FromHours(1);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1)); // within the 2 s lookahead
        await app.WaitForAsync(() => app.TimerClaimOfAsync(runId), claim => claim is not null, "the timer to be claimed ahead");
        await Task.Delay(200, TestContext.Current.CancellationToken); // room for a wrongly early resume to show
        Assert.Equal(0, app.Effects.CountFor(runId));

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish");
        Assert.Equal(dueAt, Assert.Single(app.Effects.Recorded, r => r.InstanceId == runId).At);
    }

    [Fact]
    public async Task FaultedRun_ShowsTheErrorInItsJournal_AndRetryCarriesOn()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("flaky"), TestFlows.Manual(), TestFlows.Node("flaky", "test.flaky"), TestFlows.Record()));
        app.Effects.Failing = true;
        var runId = await StartAsync(admin, id);

        var faulted = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runId}");
        Assert.Equal("faulted", faulted!["run"]!["status"]!.GetValue<string>());
        var failedStep = faulted["journal"]!.AsArray().Last()!;
        Assert.Equal("flaky", failedStep["nodeId"]!.GetValue<string>());
        Assert.Equal("faulted", failedStep["outcome"]!.GetValue<string>());
        Assert.Contains("The test made this step fail.", failedStep["error"]!.GetValue<string>());

        app.Effects.Failing = false;
        var retry = await admin.PostAsync($"/api/flow-runs/{runId}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var retried = await retry.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("finished", retried!["run"]!["status"]!.GetValue<string>());
        Assert.Contains(retried["journal"]!.AsArray(), s => s!["nodeId"]?.GetValue<string>() == "flaky" && s["attempt"]!.GetValue<int>() == 2);
        Assert.Equal(1, app.Effects.CountFor(runId));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/flow-runs/{runId}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task Cancel_StopsAWaitingRun_SoItsTimerResumesNothing()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("cancel"), TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);

        var cancel = await admin.PostAsync($"/api/flow-runs/{runId}/cancel", null);
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(FlowStatus.Cancelled, (await app.RunsAsync(id)).Single().Status);
        Assert.Equal(0, app.Effects.CountFor(runId));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/flow-runs/{runId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task RunningInstance_StaysOnItsVersion_WhenANewOneIsPublished()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("versioned");
        var v1 = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record("v1"));
        v1["concurrency"] = "parallel";
        await app.PublishAsync(admin, v1);
        var oldRun = await StartAsync(admin, id);

        var v2 = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record("v2"));
        v2["concurrency"] = "parallel";
        await app.PublishAsync(admin, v2);
        var newRun = await StartAsync(admin, id);
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.All(i => i.Status == FlowStatus.Finished), "both runs to finish");

        Assert.Equal("v1", Assert.Single(app.Effects.Recorded, r => r.InstanceId == oldRun).NodeId);
        Assert.Equal("v2", Assert.Single(app.Effects.Recorded, r => r.InstanceId == newRun).NodeId);
        Assert.Equal([1, 2], (await app.RunsAsync(id)).Select(r => r.Version));
    }

    [Fact]
    public async Task DisablingAFlow_CancelsItsWaitingRuns_AndStartsNoMore()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("disable"), TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);

        var disabled = await admin.PostAsync($"/api/flows/{id}/disable", null);

        Assert.Equal(HttpStatusCode.Accepted, disabled.StatusCode);
        Assert.Equal(1, (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runs").GetInt32());
        // Cancelled by the disable's job, before its wait is due (the clock has not moved).
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Cancelled, "the waiting run to be cancelled");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));
        Assert.Equal(FlowStatus.Cancelled, (await app.RunsAsync(id)).Single().Status);
        Assert.Equal(0, app.Effects.CountFor(runId));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { })).StatusCode);
    }

    [Fact]
    public async Task DisablingAFlowWithManyWaitingRuns_AnswersAtOnce_ThenCancelsEachOnce()
    {
        using var admin = await app.CreateAdminClientAsync();
        var flow = TestFlows.Chain(TestFlows.NewId("disable-many"), TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record());
        flow["concurrency"] = "parallel";
        var id = await app.PublishAsync(admin, flow);
        var runIds = new System.Collections.Concurrent.ConcurrentBag<string>();
        // More than one page of the job's (1,000), started several at a time.
        await Parallel.ForAsync(0, 1_100, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (_, _) => runIds.Add(await StartAsync(admin, id)));

        var disabled = await admin.PostAsync($"/api/flows/{id}/disable", null);

        Assert.Equal(1_100, (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runs").GetInt32());
        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.All(run => run.Status == FlowStatus.Cancelled),
            "every waiting run to be cancelled", TimeSpan.FromSeconds(60));
        Assert.Equal(1_100, runs.Count);
        var journal = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runIds.First()}");
        Assert.Single(journal!["journal"]!.AsArray(), step => (string?)step!["outcome"] == "cancelled");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));
        Assert.All(runIds, runId => Assert.Equal(0, app.Effects.CountFor(runId)));
    }

    [Fact]
    public async Task TheDisablesJob_LeavesTheRuns_OfAFlowPublishedAgainBeforeItRan()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("republished"), TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);

        // The flow is active (published again since the disable): the job, run late, changes nothing.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DisabledFlowRuns>().CancelAsync(id, TestContext.Current.CancellationToken);
        }

        Assert.Equal(FlowStatus.Suspended, (await app.RunsAsync(id)).Single().Status);
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to carry on");
        Assert.Equal(1, app.Effects.CountFor(runId));
    }

    [Fact]
    public async Task AWaitOfADisabledFlow_ThatTheDisableDidNotReach_IsCancelledWhenDue_NotResumed()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("disabled-late"), TestFlows.Manual(), TestFlows.Wait("PT10M"), TestFlows.Record()));
        var runId = await StartAsync(admin, id);
        // Disabled while the request that cancels its runs did not get to this one (a crash, a dropped connection).
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.Flows.Where(f => f.Id == id).ExecuteUpdateAsync(set => set.SetProperty(f => f.Status, FlowState.Disabled));
        }

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(11));

        var run = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status != FlowStatus.Suspended, "the due wait to be handled");
        Assert.Equal(FlowStatus.Cancelled, run.Single().Status);
        Assert.Equal(0, app.Effects.CountFor(runId));
        var journal = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runId}");
        Assert.Contains(FlowRunReasons.FlowDisabled, journal!.ToJsonString(), StringComparison.Ordinal);
        await using var check = await app.CreateDbContextAsync();
        Assert.False(await check.FlowBookmarks.AnyAsync(b => b.InstanceId == runId)); // its timer does not fire again
    }

    /// <summary>Starts the flow by hand (for the contact, if given) and returns the run's id.</summary>
    internal static async Task<string> StartAsync(HttpClient client, string flowId, Guid? contactId = null)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/start", new { contactId });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }
}

/// <summary>A wait survives the app stopping: a new host on the same database fires it once, when due.</summary>
public sealed class AutomationRestartTests : IAsyncLifetime
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "omnichannel-tests", "restart-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WaitingRun_IsResumedByTheNextHost_OnceWhenDue()
    {
        string id, runId;
        DateTimeOffset now;
        await using (var before = new AutomationAppFactory { SharedDataPath = dataPath })
        {
            await before.InitializeAsync();
            using var admin = await before.CreateAdminClientAsync();
            id = await before.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("restart"), TestFlows.Manual(), TestFlows.Wait("PT30M"), TestFlows.Record()));
            runId = await AutomationTimerTests.StartAsync(admin, id);
            now = before.Clock.GetUtcNow();
        }

        await using var after = new AutomationAppFactory { SharedDataPath = dataPath };
        after.Clock.SetUtcNow(now + TimeSpan.FromMinutes(10));
        await after.InitializeAsync();
        await after.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(0, after.Effects.CountFor(runId));

        await after.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(20));
        await after.WaitForAsync(() => after.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish after the restart");
        await after.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1));

        Assert.Equal(1, after.Effects.CountFor(runId));
    }

    [Fact]
    public async Task RunsAStopLeftInAStep_AreContinuedByTheNextHost_SeveralAtATime_EachOnce()
    {
        const int runs = 3;
        string id;
        List<string> runIds = [];
        DateTimeOffset stoppedAt;
        await using (var before = new AutomationAppFactory { SharedDataPath = dataPath })
        {
            await before.InitializeAsync();
            using var admin = await before.CreateAdminClientAsync();
            var flow = TestFlows.Chain(TestFlows.NewId("left"), TestFlows.Manual(), TestFlows.Wait("PT1M"), TestFlows.Record());
            flow["concurrency"] = "parallel";
            id = await before.PublishAsync(admin, flow);
            for (var i = 0; i < runs; i++)
            {
                runIds.Add(await AutomationTimerTests.StartAsync(admin, id));
            }

            // The step after the wait does not end in this host: it stops with the resumes durable and the step not.
            var stuck = 0;
            before.Effects.WhileRecording = context =>
            {
                Interlocked.Increment(ref stuck);
                return Task.Delay(Timeout.Infinite, context.CancellationToken);
            };
            await before.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(2));
            await before.WaitForAsync(() => Task.FromResult(Volatile.Read(ref stuck)), n => n == runs, "every run in its last step");
            Assert.All(await before.RunsAsync(id), run => Assert.Equal(FlowStatus.Running, run.Status));
            stoppedAt = before.Clock.GetUtcNow();
        }

        await using var after = new AutomationAppFactory { SharedDataPath = dataPath };
        after.Clock.SetUtcNow(stoppedAt);
        var inStep = 0;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        after.Effects.WhileRecording = async context =>
        {
            if (Interlocked.Increment(ref inStep) == runs)
            {
                allIn.TrySetResult();
            }

            try
            {
                // Continued one at a time, a run would wait here alone until the time-out, and all would never be in at once.
                await allIn.Task.WaitAsync(TimeSpan.FromSeconds(5), context.CancellationToken);
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref inStep);
            }
        };
        await after.InitializeAsync();

        var finished = await after.WaitForAsync(() => after.RunsAsync(id), r => r.All(run => run.Status == FlowStatus.Finished),
            "the runs to finish after the restart", TimeSpan.FromSeconds(30));

        Assert.Equal(runs, finished.Count);
        Assert.True(allIn.Task.IsCompleted, $"all {runs} runs were never inside their step at the same time");
        Assert.All(runIds, runId => Assert.Equal(1, after.Effects.CountFor(runId)));
    }

    [Fact]
    public async Task ARunAStopLeftInAStep_OfAFlowDisabledMeanwhile_IsCancelledByTheNextHost_NotContinued()
    {
        string id, runId;
        DateTimeOffset stoppedAt;
        await using (var before = new AutomationAppFactory { SharedDataPath = dataPath })
        {
            await before.InitializeAsync();
            using var admin = await before.CreateAdminClientAsync();
            id = await before.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("left-disabled"), TestFlows.Manual(), TestFlows.Wait("PT1M"), TestFlows.Record()));
            runId = await AutomationTimerTests.StartAsync(admin, id);
            var inStep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            before.Effects.WhileRecording = context =>
            {
                inStep.TrySetResult();
                return Task.Delay(Timeout.Infinite, context.CancellationToken);
            };
            await before.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(2));
            await inStep.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            // Disabled while the run is in its step, and the host stops before the disable's own cancelling reaches it.
            await using (var db = await before.CreateDbContextAsync())
            {
                await db.Flows.Where(f => f.Id == id).ExecuteUpdateAsync(set => set.SetProperty(f => f.Status, FlowState.Disabled), TestContext.Current.CancellationToken);
            }

            stoppedAt = before.Clock.GetUtcNow();
        }

        await using var after = new AutomationAppFactory { SharedDataPath = dataPath };
        after.Clock.SetUtcNow(stoppedAt);
        await after.InitializeAsync();

        var run = await after.WaitForAsync(() => after.RunsAsync(id), r => r.Single().Status != FlowStatus.Running,
            "the run left running to be handled after the restart", TimeSpan.FromSeconds(30));
        Assert.Equal(FlowStatus.Cancelled, run.Single().Status);
        Assert.Equal(0, after.Effects.CountFor(runId));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file; the temp folder is cleaned by the OS.
        }

        return ValueTask.CompletedTask;
    }
}
