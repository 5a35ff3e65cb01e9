using MudBlazor;
using Omnichannel.Flows.Platform.Automation.Definitions;

namespace Omnichannel.Flows.Web.Components.Flows;

/// <summary>What the flows pages say after publishing a version, from the list or from the flow's versions.</summary>
internal static class FlowPublishing
{
    public static (string Message, Severity Severity) Outcome(string flowName, (FlowSaved? Saved, FlowSaveProblem? Problem) result) =>
        result.Saved is { } published
            ? ($"{flowName} v{published.Version} is published: new runs start on it; runs already going stay on theirs.", Severity.Success)
            : (result.Problem?.Message ?? $"{flowName} was not published.", Severity.Warning);
}
