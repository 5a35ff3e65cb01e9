namespace Omnichannel.Flows.Engine.Running;

/// <summary>How a journaled step ended.</summary>
public enum JournalOutcome
{
    /// <summary>Continued through <see cref="JournalEntry.Port"/>.</summary>
    Continued,
    Suspended,
    Ended,
    Faulted,
    Cancelled,
}

/// <summary>
/// One step of an instance, for the run history: when, which node and activity, the inputs as the activity resolved
/// them (Liquid rendered, durations, condition results), and how it ended.
/// </summary>
/// <param name="NodeId">Null for an instance-level entry (cancelled).</param>
/// <param name="Resumed">True when the step is a node resuming from a bookmark.</param>
public sealed record JournalEntry(
    string InstanceId,
    long Sequence,
    DateTimeOffset At,
    string? NodeId,
    string? ActivityType,
    long Activation,
    int Attempt,
    bool Resumed,
    JournalOutcome Outcome,
    string? Port,
    IReadOnlyDictionary<string, string> Inputs,
    string? Error);
