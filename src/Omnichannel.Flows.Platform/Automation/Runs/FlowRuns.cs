using System.Text.Json;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>A flow run started for a contact (published after it is durable, for live pages).</summary>
public sealed record FlowRunStarted(Guid ContactId, string InstanceId, string FlowId, int Version) : ConversationEvent(ContactId);

/// <summary>A contact's flow run finished or was cancelled.</summary>
public sealed record FlowRunFinished(Guid ContactId, string InstanceId, string FlowId, FlowStatus Status) : ConversationEvent(ContactId);

/// <summary>A contact's flow run faulted; it is kept with its error until retried or cancelled.</summary>
public sealed record FlowRunFaulted(Guid ContactId, string InstanceId, string FlowId, string Error) : ConversationEvent(ContactId);

/// <summary>In-process signals about automation work (any run, with or without a contact), for live views and tests.</summary>
public sealed class AutomationSignals
{
    /// <summary>A runner call returned: the run as it stands, durable.</summary>
    public event Action<FlowInstance>? RunChanged;

    /// <summary>A dispatch pass or a timer job finished.</summary>
    public event Action? WorkDone;

    internal void Changed(FlowInstance instance) => RunChanged?.Invoke(instance);

    internal void Done() => WorkDone?.Invoke();
}

/// <summary>
/// Every runner call the platform makes goes through here: the facts for the run's contact come from
/// <see cref="IFlowFactsFactory"/> per call, the steps' saves take their turn with the other writers
/// (<see cref="StepWritesInTurn"/>), and what the call led to is announced afterwards.
/// </summary>
public sealed class FlowRuns(
    FlowRunner runner, IFlowFactsFactory facts, ConversationEvents events, AutomationSignals signals, ILogger<FlowRuns> logger)
{
    public async Task<FlowStartResult> StartAsync(TriggerEntry trigger, TriggerEvent triggerEvent, CancellationToken cancellationToken)
    {
        using var inTurn = StepWritesInTurn.Begin();
        var result = await runner.StartAsync(trigger.FlowId, trigger.Version, trigger.NodeId, triggerEvent,
            await FactsAsync(triggerEvent.SubjectId, cancellationToken), cancellationToken);
        if (result is { Outcome: StartOutcome.Started, Instance: { } instance })
        {
            logger.LogInformation("Started flow {FlowId} v{Version} run {InstanceId} for {SubjectId} on {TriggerType} (event {EventId})",
                trigger.FlowId, trigger.Version, instance.Id, instance.SubjectId, trigger.Type, triggerEvent.EventId);
            if (ContactOf(instance) is { } contactId)
            {
                events.Publish(new FlowRunStarted(contactId, instance.Id, instance.FlowId, instance.Version));
            }

            Announce(instance);
        }

        return result;
    }

    /// <param name="read">The instance as the caller has just read it, if it has (see <see cref="FlowRunner.ResumeAsync"/>).</param>
    public async Task<FlowResumeResult> ResumeAsync(
        string instanceId, string bookmarkId, string? subjectId, JsonElement? payload, CancellationToken cancellationToken, FlowInstance? read = null)
    {
        using var inTurn = StepWritesInTurn.Begin();
        var result = await runner.ResumeAsync(instanceId, bookmarkId, payload, await FactsAsync(subjectId, cancellationToken), cancellationToken, read);
        if (result is { Outcome: ResumeOutcome.Resumed, Instance: { } instance })
        {
            Announce(instance);
        }

        return result;
    }

    public async Task<FlowInstance?> RetryAsync(FlowInstance instance, CancellationToken cancellationToken)
    {
        using var inTurn = StepWritesInTurn.Begin();
        return Announce(await runner.RetryAsync(instance.Id, await FactsAsync(instance.SubjectId, cancellationToken), cancellationToken));
    }

    public async Task<FlowInstance?> ContinueAsync(string instanceId, string? subjectId, CancellationToken cancellationToken)
    {
        using var inTurn = StepWritesInTurn.Begin();
        return Announce(await runner.ContinueAsync(instanceId, await FactsAsync(subjectId, cancellationToken), cancellationToken));
    }

    public async Task<FlowInstance?> CancelAsync(string instanceId, string reason, CancellationToken cancellationToken) =>
        Announce(await runner.CancelAsync(instanceId, reason, cancellationToken));

    private Task<Engine.Expressions.IFlowFacts> FactsAsync(string? subjectId, CancellationToken cancellationToken) =>
        facts.CreateAsync(Guid.TryParse(subjectId, out var contactId) ? contactId : null, cancellationToken);

    private FlowInstance? Announce(FlowInstance? instance)
    {
        if (instance is null)
        {
            return null;
        }

        if (ContactOf(instance) is { } contactId)
        {
            switch (instance.Status)
            {
                case FlowStatus.Finished or FlowStatus.Cancelled:
                    events.Publish(new FlowRunFinished(contactId, instance.Id, instance.FlowId, instance.Status));
                    break;
                case FlowStatus.Faulted:
                    logger.LogWarning("Flow {FlowId} run {InstanceId} faulted at {NodeId}: {Error}",
                        instance.FlowId, instance.Id, instance.Fault?.NodeId, instance.Fault?.Message);
                    events.Publish(new FlowRunFaulted(contactId, instance.Id, instance.FlowId, instance.Fault?.Message ?? ""));
                    break;
            }
        }

        signals.Changed(instance);
        return instance;
    }

    private static Guid? ContactOf(FlowInstance instance) => Guid.TryParse(instance.SubjectId, out var id) ? id : null;
}
