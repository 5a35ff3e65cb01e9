using System.Text.Json;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

public static class AutomationEventRaising
{
    /// <summary>Adds the event to <paramref name="db"/>: it is stored by the caller's own SaveChanges, with the change it reports.</summary>
    public static AutomationEvent RaiseAutomationEvent(this FlowsDbContext db, string type, Guid? contactId, object? payload,
        bool causedByAutomation, DateTime occurredAt)
    {
        var raised = NewEvent(type, contactId, payload, causedByAutomation, occurredAt);
        db.AutomationEvents.Add(raised);
        Dispatch.AutomationEventsCommitted.RaisedIn(db);
        return raised;
    }

    /// <summary>
    /// The event, not added to any context: for writers that store rows without change tracking. They call
    /// <see cref="Dispatch.AutomationEventsCommitted.RaisedIn"/> themselves, so it is dispatched once committed.
    /// </summary>
    public static AutomationEvent NewEvent(string type, Guid? contactId, object? payload, bool causedByAutomation, DateTime occurredAt) =>
        new()
        {
            Type = type,
            ContactId = contactId,
            Payload = payload is null ? null : JsonSerializer.Serialize(payload, JsonSerializerOptions.Web),
            CausedByAutomation = causedByAutomation,
            OccurredAt = occurredAt,
            State = AutomationEventState.Pending,
        };
}
