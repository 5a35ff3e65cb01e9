using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary><c>flow.wait</c>: waits a duration (a durable timer).</summary>
public sealed class WaitActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.wait", "Timing", "Wait", "Waits for a while, e.g. PT24H.",
        [new("duration", InputKind.Duration, "Duration", "ISO 8601, e.g. PT30M, PT24H, P2D.") { Required = true }],
        [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var due = context.Now + context.Input<TimeSpan>("duration");
        context.Record("dueAt", due.ToString("O", CultureInfo.InvariantCulture));
        return ValueTask.FromResult(ActivityOutcome.Suspend(BookmarkRequest.Timer(due, Ports.Done)));
    }
}

/// <summary>
/// <c>flow.waitForReply</c>: waits for the contact's next message (<see cref="MessageReceived"/> about the subject),
/// continuing through <c>replied</c>, or through <c>timedOut</c> after the optional timeout — whichever comes first.
/// </summary>
public sealed class WaitForReplyActivity : IActivity
{
    /// <summary>The event the platform raises (correlated by contact id) when a contact writes.</summary>
    public const string MessageReceived = "message.received";

    public ActivityDescriptor Descriptor { get; } = new(
        "flow.waitForReply", "Timing", "Wait for reply", "Waits until the contact writes, or until the timeout.",
        [
            new("timeout", InputKind.Duration, "Timeout", "How long to wait before taking timedOut; none waits for ever."),
            new("saveAs", InputKind.Text, "Save reply as", "Variable that receives the reply's payload.") { Parser = BuiltInInputs.VariableName },
        ],
        [Ports.Replied, Ports.TimedOut]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        if (context.SubjectId is not { } contact)
        {
            return ValueTask.FromResult(ActivityOutcome.Fault("Waiting for a reply needs a contact; this instance has none."));
        }

        var reply = BookmarkRequest.Event(MessageReceived, contact, Ports.Replied);
        if (!context.HasInput("timeout"))
        {
            return ValueTask.FromResult(ActivityOutcome.Suspend(reply));
        }

        var due = context.Now + context.Input<TimeSpan>("timeout");
        return ValueTask.FromResult(ActivityOutcome.Suspend(reply, BookmarkRequest.Timer(due, Ports.TimedOut)));
    }

    public ValueTask<ActivityOutcome> ResumeAsync(StepContext context, Bookmark bookmark, JsonElement? payload)
    {
        if (bookmark.Port == Ports.Replied && payload is { } reply && context.HasInput("saveAs"))
        {
            context.SetVariable(context.Input<string>("saveAs"), reply);
        }

        return ValueTask.FromResult(ActivityOutcome.Continue(bookmark.Port));
    }
}
