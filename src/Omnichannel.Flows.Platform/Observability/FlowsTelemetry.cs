using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Omnichannel.Flows.Platform.Observability;

/// <summary>
/// The platform's traces and metrics. A customer message can be followed end to end: the webhook request's trace id
/// is stored with the raw delivery, and processing and the sends it causes continue that trace.
/// </summary>
public static class FlowsTelemetry
{
    public const string Name = "Omnichannel.Flows";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> WebhooksStored = Meter.CreateCounter<long>("flows.webhooks.stored", description: "Webhook deliveries stored");
    public static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("flows.messages.sent", description: "Outbound messages accepted by a provider");
    public static readonly Counter<long> MessagesFailed = Meter.CreateCounter<long>("flows.messages.failed", description: "Outbound messages refused by a provider");

    /// <summary>
    /// How late a due timer was taken up: a flow's wait, or a time trigger (an idle conversation, a service window, a
    /// schedule), by <c>flow.id</c> and <c>timer.kind</c>. The pump's promise is under 2 s at the 99th percentile (bench/flow-timers.sh).
    /// </summary>
    public static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>(
        "flows.timers.lateness", unit: "s", description: "How long after its due time a flow timer was taken up");

    /// <summary>
    /// How long a writer waited for its turn at the database's write gate (<see cref="Data.DatabaseWriteGate"/>), by
    /// <c>db.writer</c>: the class and method that entered (<c>FlowStoreWriter.InTransactionAsync</c>).
    /// </summary>
    public static readonly Histogram<double> WriteTurnWait = Meter.CreateHistogram<double>(
        "flows.db.write_turn.wait", unit: "s", description: "How long a writer waited for its turn at the database's write gate");

    /// <summary>
    /// How long a writer held its turn at the write gate, by <c>db.writer</c>. Their sum over a second is how busy the
    /// write lane is; on SQLite it bounds how fast a backlog drains.
    /// </summary>
    public static readonly Histogram<double> WriteTurnHeld = Meter.CreateHistogram<double>(
        "flows.db.write_turn.held", unit: "s", description: "How long a writer held its turn at the database's write gate");

    /// <summary>Records a turn at the write gate (naming the writer only when listened to).</summary>
    public static void WriteTurnTaken(string file, string member, TimeSpan waited, TimeSpan held)
    {
        if (WriteTurnWait.Enabled || WriteTurnHeld.Enabled)
        {
            // The compiler's path of the writer's file, whichever system built it: its last part, without the extension.
            var name = file[(file.LastIndexOfAny(['/', '\\']) + 1)..];
            var writer = new KeyValuePair<string, object?>("db.writer", $"{(name.EndsWith(".cs", StringComparison.Ordinal) ? name[..^3] : name)}.{member}");
            WriteTurnWait.Record(waited.TotalSeconds, writer);
            WriteTurnHeld.Record(held.TotalSeconds, writer);
        }
    }

    /// <summary>Records how late a timer due at <paramref name="dueAt"/> is taken up now (reading the clock only when listened to).</summary>
    public static void TimerTakenUp(TimeProvider time, DateTime dueAt, string flowId, string kind)
    {
        if (TimerLateness.Enabled)
        {
            TimerLateness.Record(Math.Max(0, (time.GetUtcNow().UtcDateTime - dueAt).TotalSeconds),
                new KeyValuePair<string, object?>("flow.id", flowId), new KeyValuePair<string, object?>("timer.kind", kind));
        }
    }
}
