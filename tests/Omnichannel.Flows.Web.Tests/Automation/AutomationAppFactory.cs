using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Automation.Timers;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// The app with fast automation polling and small test-only activities: <c>test.record</c> (counts its executions,
/// the side effect tests assert on), <c>test.flaky</c> (throws while <see cref="TestEffects.Failing"/>) and stand-ins
/// for the contract's triggers the platform does not register yet (the real ones arrive with the activities branch).
/// </summary>
public class AutomationAppFactory : FlowsAppFactory
{
    /// <summary>Set before the host starts to reopen another factory's database (a restart).</summary>
    public string? SharedDataPath { get; init; }

    /// <summary>The test activities' record and hooks; set up before the host starts if its first work must see them.</summary>
    public TestEffects Effects { get; } = new();

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Automation:EventPollInterval"] = "00:00:00.050";
        settings["Automation:TimerPollInterval"] = "00:00:30";
        if (SharedDataPath is not null)
        {
            settings["Database:DataPath"] = SharedDataPath;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Effects);
            services.AddSingleton<IActivity, RecordActivity>();
            services.AddSingleton<IActivity, FlakyActivity>();
        });
    }

    /// <summary>Imports (and publishes) a flow; returns its id.</summary>
    public async Task<string> PublishAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsync("/api/flows/import?publish=true",
            new StringContent(flow.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A published flow started by hand that waits an hour (its runs stay waiting while a test reads them), any number at once.</summary>
    public Task<string> PublishWaitingFlowAsync(HttpClient client, string stem)
    {
        var flow = TestFlows.Chain(TestFlows.NewId(stem), TestFlows.Manual(), TestFlows.Wait("PT1H"));
        flow["concurrency"] = "parallel";
        return PublishAsync(client, flow);
    }

    public async Task<List<FlowInstanceRecord>> RunsAsync(string flowId)
    {
        await using var db = await CreateDbContextAsync();
        return await db.FlowInstances.AsNoTracking().Where(i => i.FlowId == flowId).OrderBy(i => i.CreatedAt).ToListAsync();
    }

    /// <summary>The runs for a contact (of one flow, when <paramref name="flowId"/> is given).</summary>
    public async Task<List<FlowInstanceRecord>> RunsOfContactAsync(Guid contactId, string? flowId = null)
    {
        await using var db = await CreateDbContextAsync();
        var subject = contactId.ToString();
        var runs = db.FlowInstances.AsNoTracking().Where(i => i.SubjectId == subject);
        return await (flowId is null ? runs : runs.Where(i => i.FlowId == flowId)).ToListAsync();
    }

    /// <summary>Waits (on run changes, or re-checking every 100 ms) until <paramref name="condition"/> holds.</summary>
    public async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var signals = Services.GetRequiredService<AutomationSignals>();
        var changed = new SemaphoreSlim(0);
        void OnChange(FlowInstance _) => changed.Release();
        void OnDone() => changed.Release();
        signals.RunChanged += OnChange;
        signals.WorkDone += OnDone;
        try
        {
            using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
            while (true)
            {
                var value = await read();
                if (condition(value))
                {
                    return value;
                }

                try
                {
                    await changed.WaitAsync(TimeSpan.FromMilliseconds(100), cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"Timed out waiting for {what}.");
                }
            }
        }
        finally
        {
            signals.RunChanged -= OnChange;
            signals.WorkDone -= OnDone;
        }
    }

    /// <summary>The claim a timer pump pass put on the run's one wait timer, or null while unclaimed.</summary>
    public async Task<Guid?> TimerClaimOfAsync(string runId)
    {
        await using var db = await CreateDbContextAsync();
        return await db.FlowBookmarks.Where(b => b.InstanceId == runId).Select(b => b.FiringBy).SingleAsync();
    }

    /// <summary>Waits until every automation event of the contact is dispatched.</summary>
    public Task WaitForEventsDispatchedAsync(Guid contactId) => WaitForAsync(
        async () =>
        {
            await using var db = await CreateDbContextAsync();
            return await db.AutomationEvents.CountAsync(e => e.ContactId == contactId && e.State == Platform.Automation.AutomationEventState.Pending);
        },
        pending => pending == 0, "automation events to be dispatched");

    /// <summary>
    /// Moves the fake clock and waits until the timer pump has finished a pass that read the clock after the move (a pass
    /// already under way when the clock moved does not count: it claimed by the time before).
    /// </summary>
    public async Task AdvanceAndLetTimersRunAsync(TimeSpan by)
    {
        var pump = Services.GetRequiredService<FlowTimerPump>();
        // The time moved to, not the clock's reading after the move: something the move set off may have moved it on again
        // (a test's armed clock), and the pass that saw this move may be the last one until the poll.
        var moved = Clock.GetUtcNow().UtcDateTime + by;
        Clock.Advance(by);
        await WaitForAsync(() => Task.FromResult(pump.LastPassClock), looked => looked >= moved, "a timer pump pass after the clock moved");
    }
}

/// <summary>What the test activities did, by idempotency key.</summary>
public sealed class TestEffects
{
    public ConcurrentQueue<(string InstanceId, string NodeId, string Key, DateTimeOffset At)> Recorded { get; } = new();

    public volatile bool Failing;

    /// <summary>Runs inside <c>test.record</c>, before it records: a test's way to act while a run is in a step.</summary>
    public Func<StepContext, Task>? WhileRecording { get; set; }

    public int CountFor(string instanceId) => Recorded.Count(r => r.InstanceId == instanceId);
}

public sealed class RecordActivity(TestEffects effects) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new("test.record", "Test", "Record", "Records that it ran.", [], [Ports.Done]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        if (effects.WhileRecording is { } act)
        {
            await act(context);
        }

        effects.Recorded.Enqueue((context.InstanceId, context.NodeId, context.IdempotencyKey, context.Now));
        return ActivityOutcome.Done;
    }
}

public sealed class FlakyActivity(TestEffects effects) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new("test.flaky", "Test", "Flaky", "Throws while the test says so.", [], [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) =>
        effects.Failing ? throw new InvalidOperationException("The test made this step fail.") : ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary>Flow documents for tests.</summary>
public static class TestFlows
{
    public static string NewId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(60, stem.Length + 33)];

    /// <summary>A chain: the trigger node, then each step in order.</summary>
    public static JsonObject Chain(string id, JsonObject trigger, params JsonObject[] steps)
    {
        var nodes = new JsonArray { WithPosition(trigger, 0) };
        var connections = new JsonArray();
        var previous = trigger;
        for (var i = 0; i < steps.Length; i++)
        {
            nodes.Add(WithPosition(steps[i], i + 1));
            connections.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["node"] = previous["id"]!.GetValue<string>(), ["port"] = "done" },
                ["target"] = new JsonObject { ["node"] = steps[i]["id"]!.GetValue<string>(), ["port"] = "in" },
            });
            previous = steps[i];
        }

        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["id"] = id,
            ["name"] = $"Test flow {id}",
            ["version"] = 1,
            ["concurrency"] = "single",
            ["nodes"] = nodes,
            ["connections"] = connections,
        };
    }

    /// <summary>Any graph: nodes in order, connections as (from, port, to).</summary>
    public static JsonObject Graph(string id, JsonObject[] nodes, params (string From, string Port, string To)[] connections)
    {
        var flow = Chain(id, nodes[0], nodes[1..]);
        flow["connections"] = new JsonArray(connections.Select(c => (JsonNode)new JsonObject
        {
            ["source"] = new JsonObject { ["node"] = c.From, ["port"] = c.Port },
            ["target"] = new JsonObject { ["node"] = c.To, ["port"] = "in" },
        }).ToArray());
        return flow;
    }

    public static JsonObject Node(string id, string type, JsonObject? inputs = null) =>
        new() { ["id"] = id, ["type"] = type, ["inputs"] = inputs ?? new JsonObject() };

    public static JsonObject Manual() => Node("start", "flow.manualTrigger");

    public static JsonObject TagAdded(string tag) => Node("start", "trigger.tagAdded", new JsonObject { ["tag"] = tag });

    public static JsonObject Wait(string duration) => Node("wait", "flow.wait", new JsonObject { ["duration"] = duration });

    public static JsonObject Record(string id = "record") => Node(id, "test.record");

    private static JsonObject WithPosition(JsonObject node, int index)
    {
        node["position"] = new JsonObject { ["x"] = index * 200, ["y"] = 0 };
        return node;
    }
}
