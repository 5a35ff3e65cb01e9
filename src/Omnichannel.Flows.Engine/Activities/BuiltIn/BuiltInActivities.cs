namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary>The activities the engine brings, needing nothing from the platform.</summary>
public static class BuiltInActivities
{
    public static IReadOnlyList<IActivity> Create(IHttpClientFactory http) =>
    [
        new ManualTriggerActivity(),
        new ScheduleTriggerActivity(),
        new ConditionActivity(),
        new SwitchActivity(),
        new SetVariableActivity(),
        new EndActivity(),
        new WaitActivity(),
        new WaitUntilActivity(),
        new WaitForReplyActivity(),
        new HttpRequestActivity(http),
    ];
}
