using MudBlazor;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Web.Components.Flows;

/// <summary>A run's state as the flows pages say it: a suspended run waits (for a time, or a reply).</summary>
public static class FlowRunLabels
{
    public static string Of(FlowStatus status) => status switch
    {
        FlowStatus.Running => "Running",
        FlowStatus.Suspended => "Waiting",
        FlowStatus.Finished => "Finished",
        FlowStatus.Faulted => "Faulted",
        FlowStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    public static Color ColorOf(FlowStatus status) => status switch
    {
        FlowStatus.Running => Color.Primary,
        FlowStatus.Suspended => Color.Info,
        FlowStatus.Finished => Color.Success,
        FlowStatus.Faulted => Color.Error,
        _ => Color.Default,
    };
}
