namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>The trigger activity types hosting fires (their descriptors are the activities' side of the contract).</summary>
public static class TriggerTypes
{
    public const string MessageReceived = "trigger.messageReceived";
    public const string TagAdded = "trigger.tagAdded";
    public const string TagRemoved = "trigger.tagRemoved";
    public const string ContactCreated = "trigger.contactCreated";
    public const string SendFailed = "trigger.sendFailed";
    public const string ConversationIdle = "trigger.conversationIdle";
    public const string WindowClosing = "trigger.windowClosing";
    public const string WindowClosed = "trigger.windowClosed";
    public const string Manual = "flow.manualTrigger";
    public const string Schedule = "flow.scheduleTrigger";

    /// <summary>The trigger type an automation event starts, or null for an event no trigger listens to.</summary>
    public static string? ForEvent(string eventType) => eventType switch
    {
        AutomationEventTypes.MessageReceived => MessageReceived,
        AutomationEventTypes.TagAdded => TagAdded,
        AutomationEventTypes.TagRemoved => TagRemoved,
        AutomationEventTypes.ContactCreated => ContactCreated,
        AutomationEventTypes.SendFailed => SendFailed,
        _ => null,
    };
}
