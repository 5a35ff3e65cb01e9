using System.Text.Json;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Something that may start flows: a message arrived, a tag was added, a schedule fired, an agent pressed "run".
/// </summary>
/// <param name="EventId">Deduplicates: a flow starts at most once per event id (e.g. the inbound message id).</param>
/// <param name="SubjectId">The contact the flow runs for; null for subject-less starts (schedules).</param>
/// <param name="Payload">Readable as <c>trigger.*</c> in the flow.</param>
/// <param name="CausedByAutomation">The event came from a flow (an automated send, a tag a flow added); such events start
/// only flows that opt in with <c>triggerOnAutomation</c>, so flows cannot loop on each other.</param>
public sealed record TriggerEvent(string EventId, string? SubjectId, JsonElement? Payload = null, bool CausedByAutomation = false);

public enum StartOutcome
{
    Started,

    /// <summary>This flow already started for this event id.</summary>
    DuplicateEvent,

    /// <summary><c>single</c> concurrency and the subject already has an active instance.</summary>
    AlreadyRunning,

    /// <summary>The event came from automation and the flow does not opt in.</summary>
    AutomationEvent,
}

/// <param name="Instance">The new instance as it stands after its first run slice; null when not started.</param>
/// <param name="CancelledInstanceIds">Instances a <c>restart</c> cancelled.</param>
public sealed record FlowStartResult(StartOutcome Outcome, FlowInstance? Instance, IReadOnlyList<string> CancelledInstanceIds);

public enum ResumeOutcome
{
    Resumed,

    /// <summary>No such instance.</summary>
    NotFound,

    /// <summary>The bookmark (or another of its group) was consumed already, or the instance is no longer active.</summary>
    AlreadyConsumed,

    /// <summary>A timer resumed before its due time; nothing changed (reschedule it).</summary>
    NotDue,
}

public sealed record FlowResumeResult(ResumeOutcome Outcome, FlowInstance? Instance);
