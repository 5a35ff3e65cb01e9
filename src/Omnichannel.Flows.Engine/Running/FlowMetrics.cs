using System.Diagnostics;
using System.Diagnostics.Metrics;
using Omnichannel.Flows.Engine.Activities;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Metrics of flow runs, for dashboards and alerts (the platform adds <see cref="MeterName"/> to its OpenTelemetry
/// meters): runs started, runs that stopped (finished, faulted or cancelled) per flow, and each activity's duration per
/// flow, type and outcome (its count is the steps taken). A run's stop is counted once its checkpoint is durable; the journal
/// stays the exact record of a run, these are for rates and trends. Without a listener recording costs a flag check.
/// </summary>
public static class FlowMetrics
{
    public const string MeterName = "Omnichannel.Flows.Engine";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>(
        "flows.runs.started", unit: "{run}", description: "Flow runs started");

    private static readonly Counter<long> RunsStopped = Meter.CreateCounter<long>(
        "flows.runs.stopped", unit: "{run}", description: "Flow runs that finished, faulted or were cancelled (flow.status says which)");

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "flows.step.duration", unit: "s", description: "How long an activity's execute or resume took, per activity type and outcome");

    internal static void Started(FlowInstance instance)
    {
        if (RunsStarted.Enabled)
        {
            RunsStarted.Add(1, new KeyValuePair<string, object?>("flow.id", instance.FlowId));
        }
    }

    /// <summary>A checkpoint is durable: counts the run as stopped if the checkpoint stopped it.</summary>
    internal static void Committed(FlowCheckpoint checkpoint)
    {
        if (RunsStopped.Enabled && checkpoint.Instance.Status is FlowStatus.Finished or FlowStatus.Faulted or FlowStatus.Cancelled)
        {
            RunsStopped.Add(1,
                new KeyValuePair<string, object?>("flow.id", checkpoint.Instance.FlowId),
                new KeyValuePair<string, object?>("flow.status", StatusName(checkpoint.Instance.Status)));
        }
    }

    /// <returns>A timestamp to pass to <see cref="Stepped"/>, or 0 when nothing listens.</returns>
    internal static long StepStarting() => StepDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    internal static void Stepped(long started, string flowId, string activityType, ActivityOutcome outcome)
    {
        if (started == 0)
        {
            return;
        }

        StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("flow.id", flowId),
            new KeyValuePair<string, object?>("activity.type", activityType),
            new KeyValuePair<string, object?>("step.outcome", OutcomeName(outcome.Kind)));
    }

    private static string StatusName(FlowStatus status) => status switch
    {
        FlowStatus.Finished => "finished",
        FlowStatus.Faulted => "faulted",
        FlowStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };

    private static string OutcomeName(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Continue => "continued",
        OutcomeKind.Suspend => "suspended",
        OutcomeKind.End => "ended",
        OutcomeKind.Fault => "faulted",
        _ => kind.ToString(),
    };
}
