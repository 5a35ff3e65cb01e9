using Cronos;

namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary><c>flow.manualTrigger</c>: started by a person (or the API) for a contact.</summary>
public sealed class ManualTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.manualTrigger", "Triggers", "Manual start", "Starts the flow when someone runs it for a contact.",
        [], [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary>
/// <c>flow.scheduleTrigger</c>: starts the flow on a cron schedule in a time zone. The engine computes the next
/// occurrences (<see cref="NextOccurrence"/>); the platform fires them, with the occurrence in the event id so a
/// double fire starts once.
/// </summary>
public sealed class ScheduleTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.scheduleTrigger", "Triggers", "Schedule", "Starts the flow on a schedule (cron) in a time zone.",
        [
            new("cron", InputKind.Cron, "Schedule", "Five-field cron: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5.") { Required = true },
            new("timeZone", InputKind.TimeZone, "Time zone", "The zone the schedule is read in.") { Default = BuiltInInputs.Json("UTC") },
        ],
        [Ports.Done]) { IsTrigger = true };

    public object? Prepare(NodeInputs inputs) =>
        new Schedule(inputs.Get<CronExpression>("cron"), inputs.Get<TimeZoneInfo>("timeZone"));

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);

    /// <summary>The first occurrence after <paramref name="after"/> of a schedule trigger node; null if it never fires again.</summary>
    public static DateTimeOffset? NextOccurrence(Running.CompiledNode trigger, DateTimeOffset after) =>
        trigger.State is Schedule schedule ? schedule.Cron.GetNextOccurrence(after, schedule.Zone) : null;

    /// <summary>The event id for one occurrence: a flow starts once per occurrence however often it is fired.</summary>
    public static string EventId(string flowId, string nodeId, DateTimeOffset occurrence) =>
        $"schedule:{flowId}:{nodeId}:{occurrence.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";

    private sealed record Schedule(CronExpression Cron, TimeZoneInfo Zone);
}
