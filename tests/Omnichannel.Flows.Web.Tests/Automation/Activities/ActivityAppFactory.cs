using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Hosting;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>
/// The real app (SQLite file, fake providers, fake clock) with the flow engine and the platform's activities in it,
/// on the engine's in-memory instance and definition stores: tests publish flows, start them through the real
/// <see cref="FlowRunner"/> and assert what the platform did. The store can lose a step as a crash would
/// (<see cref="CrashAfterStepOf"/>), so a test can re-run it with the same idempotency key.
/// </summary>
public class ActivityAppFactory : FlowsAppFactory
{
    private readonly CrashingFlowStore crashing;

    public ActivityAppFactory() => crashing = new CrashingFlowStore(Store);

    public InMemoryFlowStore Store { get; } = new();

    public InMemoryFlowDefinitionStore Definitions { get; } = new();

    public RecordingTimerScheduler Timers { get; } = new();

    /// <summary>The next checkpoint of this node's step is lost and the runner call throws, as if the process died.</summary>
    public string? CrashAfterStepOf
    {
        get => crashing.CrashAfterStepOf;
        set => crashing.CrashAfterStepOf = value;
    }

    public FlowRunner Runner => Services.GetRequiredService<FlowRunner>();

    protected override void ConfigureServices(IServiceCollection services)
    {
        // The hosting side may register the engine (and these activities) itself; add only what is missing.
        if (!services.Any(d => d.ServiceType == typeof(FlowRunner)))
        {
            services.AddFlowEngine();
        }

        services.AddAutomationActivities();
        services.RemoveAll<IFlowStore>();
        services.AddSingleton<IFlowStore>(crashing);
        services.RemoveAll<IFlowDefinitionStore>();
        services.AddSingleton<IFlowDefinitionStore>(Definitions);
        services.RemoveAll<IPublishedFlows>();
        services.AddSingleton<IPublishedFlows>(new InMemoryPublishedFlows(Definitions));
        services.RemoveAll<IFlowTimerScheduler>();
        services.AddSingleton<IFlowTimerScheduler>(Timers);
    }

    /// <summary>Publishes <paramref name="flow"/> unless that version is published already (samples are shared by a class's tests).</summary>
    public FlowDefinition Publish(FlowDefinition flow)
    {
        try
        {
            Definitions.Publish(flow);
        }
        catch (InvalidOperationException)
        {
            // Published by an earlier test of the class.
        }

        return flow;
    }

    /// <summary>Publishes a sample from the repository's flows/ folder.</summary>
    public FlowDefinition PublishSample(string fileName) => Publish(FlowJsonReader.Read(JsonDocument.Parse(File.ReadAllText(SampleFlowFiles.PathOf(fileName))).RootElement));

    /// <summary>Starts <paramref name="flow"/> from its first trigger for the contact, with facts read now, as hosting would.</summary>
    public async Task<FlowStartResult> StartAsync(FlowDefinition flow, Guid contactId, JsonElement? payload = null, string? eventId = null)
    {
        var trigger = flow.Nodes.First(n => n.Type.StartsWith("trigger.", StringComparison.Ordinal) || n.Type == "flow.manualTrigger").Id;
        var facts = await Services.GetRequiredService<IFlowFactsFactory>().CreateAsync(contactId, CancellationToken.None);
        return await Runner.StartAsync(flow.Id, flow.Version, trigger,
            new TriggerEvent(eventId ?? Guid.NewGuid().ToString("N"), contactId.ToString(), payload), facts, CancellationToken.None);
    }

    /// <summary>Carries on with an instance a crash left running (its interrupted step re-runs with the same key).</summary>
    public async Task<FlowInstance?> ContinueAsync(string instanceId, Guid contactId)
    {
        var facts = await Services.GetRequiredService<IFlowFactsFactory>().CreateAsync(contactId, CancellationToken.None);
        return await Runner.ContinueAsync(instanceId, facts, CancellationToken.None);
    }

    /// <summary>The journal entries of <paramref name="nodeId"/>'s steps in the instance, in order.</summary>
    public IReadOnlyList<JournalEntry> StepsOf(string instanceId, string nodeId) =>
        [.. Store.Journal(instanceId).Where(e => e.NodeId == nodeId)];
}

/// <summary>Keeps the timers the runner hands over; tests fire them by moving the clock.</summary>
public sealed class RecordingTimerScheduler : IFlowTimerScheduler
{
    public ConcurrentQueue<Bookmark> Scheduled { get; } = new();

    public ValueTask ScheduleAsync(Bookmark timer, CancellationToken cancellationToken)
    {
        Scheduled.Enqueue(timer);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Loses the checkpoint that follows <see cref="CrashAfterStepOf"/>'s step and throws, as a process dying after the step
/// acted but before its checkpoint was durable: the store keeps the instance from before that step.
/// </summary>
public sealed class CrashingFlowStore(InMemoryFlowStore inner) : IFlowStore
{
    public string? CrashAfterStepOf { get; set; }

    public ValueTask<StartDecision> TryStartAsync(StartRequest request, CancellationToken cancellationToken) => inner.TryStartAsync(request, cancellationToken);

    public ValueTask<FlowInstance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken) => inner.FindInstanceAsync(instanceId, cancellationToken);

    public ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string correlationKey, CancellationToken cancellationToken) =>
        inner.FindEventBookmarksAsync(eventName, correlationKey, cancellationToken);

    public ValueTask AppendAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        Crash(checkpoint) ? throw new IOException("crashed") : inner.AppendAsync(checkpoint, cancellationToken);

    public ValueTask CommitAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        Crash(checkpoint) ? throw new IOException("crashed") : inner.CommitAsync(checkpoint, cancellationToken);

    public ValueTask<bool> TryConsumeAsync(Bookmark bookmark, FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        inner.TryConsumeAsync(bookmark, checkpoint, cancellationToken);

    private bool Crash(FlowCheckpoint checkpoint)
    {
        if (checkpoint.Step.NodeId is null || checkpoint.Step.NodeId != CrashAfterStepOf)
        {
            return false;
        }

        CrashAfterStepOf = null;
        return true;
    }
}

/// <summary>The repository's flows/ folder, found from the test's output folder.</summary>
public static class SampleFlowFiles
{
    public static string PathOf(string fileName)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "flows", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"flows/{fileName} was not found above {AppContext.BaseDirectory}.");
    }
}

/// <summary>The newest version published to the in-memory definitions (asked v1, v2… until one is missing).</summary>
public sealed class InMemoryPublishedFlows(InMemoryFlowDefinitionStore definitions) : IPublishedFlows
{
    public async ValueTask<int?> LatestVersionAsync(string flowId, CancellationToken cancellationToken)
    {
        int? latest = null;
        for (var version = 1; await definitions.FindAsync(flowId, version, cancellationToken) is not null; version++)
        {
            latest = version;
        }

        return latest;
    }
}
