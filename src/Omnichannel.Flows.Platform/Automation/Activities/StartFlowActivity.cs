using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// Which version of a flow is the published one that new starts use. Hosting owns the definitions' lifecycle and
/// should register its own (one indexed query); <see cref="ProbingPublishedFlows"/> is the stand-in until it does.
/// </summary>
public interface IPublishedFlows
{
    /// <returns>The newest published version of <paramref name="flowId"/>, or null when it has none.</returns>
    ValueTask<int?> LatestVersionAsync(string flowId, CancellationToken cancellationToken);
}

/// <summary>Finds the newest published version by asking the definition store for v1, v2… until one is missing.</summary>
public sealed class ProbingPublishedFlows(IFlowDefinitionStore definitions) : IPublishedFlows
{
    private const int MaxVersions = 10_000;

    public async ValueTask<int?> LatestVersionAsync(string flowId, CancellationToken cancellationToken)
    {
        int? latest = null;
        for (var version = 1; version <= MaxVersions && await definitions.FindAsync(flowId, version, cancellationToken) is not null; version++)
        {
            latest = version;
        }

        return latest;
    }
}

/// <summary>
/// <c>flow.start</c>: starts the published version of another flow for the same contact, from its manual-start
/// trigger, with this flow's trigger payload (plus <c>startedBy</c>: flow, instance, depth). The event id comes from the
/// step's idempotency key, so a re-run starts it once. Continues through <c>done</c> when the flow started (or had
/// started for this step), <c>failed</c> when it did not (no such published flow, no manual start, already running for
/// the contact, or a chain of flows starting flows deeper than <see cref="MaxDepth"/>).
/// </summary>
public sealed class StartFlowActivity(IServiceProvider services, ILogger<StartFlowActivity> logger) : IActivity
{
    /// <summary>How many flows deep a chain of <c>flow.start</c>s may go (it runs inside the starting step).</summary>
    public const int MaxDepth = 5;

    private const int MaxKeyInEventId = 180;

    public ActivityDescriptor Descriptor { get; } = new(
        "flow.start", "Flow", "Start flow",
        "Starts another published flow (from its manual start) for the same contact, passing this flow's trigger.",
        [new("flow", InputKind.Text, "Flow", "The id of the flow to start.") { Required = true }],
        [Ports.Done, Ports.Failed]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var cancellationToken = context.CancellationToken;
        var flowId = context.Input<string>("flow");
        var depth = context.Facts.TryGetValue("trigger.startedBy.depth", out var parent) && parent.TryGetNumber(out var number) ? (int)number + 1 : 1;
        if (depth > MaxDepth)
        {
            return Failed(context, $"Flows started flows {MaxDepth} deep; '{flowId}' was not started (a loop?).");
        }

        // Resolved per step: the runner depends on the activity catalog, which holds this activity.
        var runner = services.GetRequiredService<FlowRunner>();
        if (await services.GetRequiredService<IPublishedFlows>().LatestVersionAsync(flowId, cancellationToken) is not { } version)
        {
            return Failed(context, $"The flow '{flowId}' has no published version.");
        }

        var flow = await services.GetRequiredService<CompiledFlowCache>().GetAsync(flowId, version, cancellationToken);
        var trigger = flow.Triggers.FirstOrDefault(t => t.Descriptor.Type == "flow.manualTrigger");
        if (trigger is null)
        {
            return Failed(context, $"The flow '{flowId}' v{version} has no manual start trigger to start it from.");
        }

        Guid? contactId = Guid.TryParse(context.SubjectId, out var subject) ? subject : null;
        var facts = await services.GetRequiredService<IFlowFactsFactory>().CreateAsync(contactId, cancellationToken);
        var payload = await PayloadAsync(context, depth);
        var started = await runner.StartAsync(flowId, version, trigger.Id,
            new TriggerEvent(EventIdOf(context.IdempotencyKey), context.SubjectId, payload), facts, cancellationToken);
        context.Record("started", $"{flowId} v{version}: {started.Outcome}{(started.Instance is { } instance ? $" ({instance.Id}, {instance.Status})" : "")}");
        switch (started.Outcome)
        {
            case StartOutcome.Started or StartOutcome.DuplicateEvent:
                logger.LogInformation("Flow {FlowId} instance {InstanceId} started flow {StartedFlowId} v{Version} for {ContactId}",
                    context.FlowId, context.InstanceId, flowId, version, context.SubjectId);
                return ActivityOutcome.Done;
            default:
                return Failed(context, started.Outcome == StartOutcome.AlreadyRunning
                    ? $"The flow '{flowId}' is already running for this contact."
                    : $"The flow '{flowId}' was not started ({started.Outcome}).");
        }
    }

    /// <summary>The started flow's event id: the step's key, hashed when long ids would not fit the store's 200 characters.</summary>
    public static string EventIdOf(string idempotencyKey) =>
        idempotencyKey.Length <= MaxKeyInEventId
            ? $"flow.start:{idempotencyKey}"
            : $"flow.start:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))}";

    private ActivityOutcome Failed(StepContext context, string reason)
    {
        context.Record("reason", reason);
        logger.LogInformation("Flow {FlowId} instance {InstanceId} did not start a flow: {Reason}", context.FlowId, context.InstanceId, reason);
        return ActivityOutcome.Continue(Ports.Failed);
    }

    /// <summary>This flow's trigger payload (when an object) with <c>startedBy</c> added.</summary>
    private async Task<JsonElement> PayloadAsync(StepContext context, int depth)
    {
        // The step context has no trigger payload of its own: the instance as stored does.
        var instance = await services.GetRequiredService<IFlowStore>().FindInstanceAsync(context.InstanceId, context.CancellationToken);
        var payload = instance?.Trigger is { ValueKind: JsonValueKind.Object } own ? JsonObject.Create(own)! : [];
        payload["startedBy"] = new JsonObject
        {
            ["flowId"] = context.FlowId,
            ["instanceId"] = context.InstanceId,
            ["nodeId"] = context.NodeId,
            ["depth"] = depth,
        };
        return JsonSerializer.SerializeToElement(payload);
    }
}
