using System.Text.Json;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>
/// An activity: a small, stateless class (one instance serves every run) described by its
/// <see cref="Descriptor"/>. It reads its inputs from the <see cref="StepContext"/>, does its work and says how the
/// step ended: continue through a port, suspend on bookmarks, end the flow, or fault.
/// </summary>
public interface IActivity
{
    ActivityDescriptor Descriptor { get; }

    /// <summary>
    /// Called once per definition version, after the inputs parsed: check combinations of inputs
    /// (<see cref="NodeInputs.AddError(string, string)"/>) and precompute what every run needs; the result is
    /// <see cref="StepContext.State{T}"/>.
    /// </summary>
    object? Prepare(NodeInputs inputs) => null;

    ValueTask<ActivityOutcome> ExecuteAsync(StepContext context);

    /// <summary>
    /// Called when one of the node's bookmarks fires, with the payload it was resumed with. By default the node
    /// continues through the bookmark's port.
    /// </summary>
    ValueTask<ActivityOutcome> ResumeAsync(StepContext context, Bookmark bookmark, JsonElement? payload) =>
        ValueTask.FromResult(ActivityOutcome.Continue(bookmark.Port));
}
