using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Automation.Activities;

// The platform's triggers: descriptors the designer and the validator read. Hosting matches events and times to them
// (their parsed inputs through CompiledNode.Input<T>: channels as a JSON array, tag/keyword/pattern/reason/channel as
// text, durations as TimeSpan) and starts the flow; executing a trigger node just continues through done.

/// <summary><c>trigger.messageReceived</c>: a customer wrote (event <c>message.received</c>).</summary>
public sealed class MessageReceivedTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.messageReceived", "Triggers", "Message received",
        "Starts when a customer writes: on any channel or some, optionally only for a keyword, a pattern or their first message.",
        [
            new("channels", InputKind.Json, "Channels", "Only messages on these channels, e.g. [\"whatsapp\", \"sms\"]; leave out for any.") { Parser = PlatformInputs.ChannelList },
            new("keyword", InputKind.Text, "Keyword", "Only messages containing this word (whole word, any case)."),
            new("pattern", InputKind.Text, "Pattern", "Only messages matching this regular expression (200 ms limit).") { Parser = PlatformInputs.Pattern },
            new("firstMessageOnly", InputKind.Boolean, "First message only", "Only the customer's very first message.") { Default = PlatformInputs.Json(false) },
        ],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.tagAdded</c>: a tag was added to the contact (event <c>tag.added</c>).</summary>
public sealed class TagAddedTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.tagAdded", "Triggers", "Tag added", "Starts when a tag is added to a contact.",
        [new("tag", InputKind.Tag, "Tag", "Only this tag; leave out for any.") { Parser = PlatformInputs.Tag }],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.tagRemoved</c>: a tag was removed from the contact (event <c>tag.removed</c>).</summary>
public sealed class TagRemovedTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.tagRemoved", "Triggers", "Tag removed", "Starts when a tag is removed from a contact.",
        [new("tag", InputKind.Tag, "Tag", "Only this tag; leave out for any.") { Parser = PlatformInputs.Tag }],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.contactCreated</c>: a profile was created (event <c>contact.created</c>).</summary>
public sealed class ContactCreatedTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.contactCreated", "Triggers", "Contact created", "Starts when a new contact appears (a first message, the API, an import).",
        [], [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.sendFailed</c>: a message to the contact failed for good (event <c>send.failed</c>, payload <c>code</c>).</summary>
public sealed class SendFailedTriggerActivity : IActivity
{
    public const string Any = "any";
    public const string OptedOut = "opted_out";
    public const string Other = "other";

    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.sendFailed", "Triggers", "Send failed",
        "Starts when a message to the contact fails for good: any failure, a closed service window, an opt-out, or another reason.",
        [
            new("reason", InputKind.Select, "Reason", "Which failures start the flow.")
            {
                Options = [Any, SendFailures.WindowClosed, OptedOut, Other],
                Default = PlatformInputs.Json(Any),
            },
        ],
        [Ports.Done]) { IsTrigger = true };

    /// <summary>
    /// The reason a failure belongs to: <c>window_closed</c> (our code for the providers' closed-window errors),
    /// <c>opted_out</c> (a provider enforcing an opt-out: Twilio 21610, WhatsApp 131050), or <c>other</c>.
    /// </summary>
    /// <param name="code">The event's <c>code</c>: the failed message's error code.</param>
    public static string ReasonOf(ChannelKind channel, string? code) =>
        code == SendFailures.WindowClosed ? SendFailures.WindowClosed
        : code == OptedOut || ProviderOptOutJob.OptOutScope(channel, code) is not null ? OptedOut
        : Other;

    /// <summary>True when a failure on <paramref name="channel"/> with <paramref name="code"/> starts a node set to <paramref name="reason"/>.</summary>
    public static bool Matches(string reason, ChannelKind channel, string? code) =>
        reason == Any || string.Equals(reason, ReasonOf(channel, code), StringComparison.Ordinal);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary>
/// <c>trigger.conversationIdle</c>: neither side wrote for <c>duration</c> since the customer's last message (once per
/// customer message; a new one re-arms it), optionally only when that message came on some channels.
/// </summary>
public sealed class ConversationIdleTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.conversationIdle", "Triggers", "Conversation idle",
        "Starts when nobody wrote for a while after the customer's last message, e.g. PT24H.",
        [
            new("duration", InputKind.Duration, "Idle for", "How long after the customer's last message, with no message since, e.g. PT24H.") { Required = true },
            new("channels", InputKind.Json, "Channels", "Only when the customer's last message came on these channels; leave out for any.") { Parser = PlatformInputs.ChannelList },
        ],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.windowClosing</c>: <c>leadTime</c> before the customer's service window on <c>channel</c> closes.</summary>
public sealed class WindowClosingTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.windowClosing", "Triggers", "Service window closing",
        "Starts a while before the customer's service window closes, while free text can still be sent.",
        [
            new("channel", InputKind.Channel, "Channel", "A channel with a service window.") { Default = PlatformInputs.Json("whatsapp"), Parser = PlatformInputs.WindowedChannelName },
            new("leadTime", InputKind.Duration, "Lead time", "How long before it closes, e.g. PT1H.") { Default = PlatformInputs.Json("PT1H") },
        ],
        [Ports.Done]) { IsTrigger = true };

    public object? Prepare(NodeInputs inputs)
    {
        _ = ChannelNames.TryParse(inputs.Get<string>("channel"), out var channel);
        var shortest = channel == ChannelKind.TikTok ? ServiceWindowPolicy.TikTokWindow : ServiceWindowPolicy.WhatsAppWindow;
        if (inputs.Get<TimeSpan>("leadTime") >= shortest)
        {
            inputs.AddError("leadTime", $"The {channel.ToName()} window lasts {shortest.TotalHours:0} h; the lead time must be shorter.");
        }

        return null;
    }

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}

/// <summary><c>trigger.windowClosed</c>: when the customer's service window on <c>channel</c> closes.</summary>
public sealed class WindowClosedTriggerActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "trigger.windowClosed", "Triggers", "Service window closed",
        "Starts when the customer's service window closes: from then on WhatsApp takes approved templates only.",
        [new("channel", InputKind.Channel, "Channel", "A channel with a service window.") { Default = PlatformInputs.Json("whatsapp"), Parser = PlatformInputs.WindowedChannelName }],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}
