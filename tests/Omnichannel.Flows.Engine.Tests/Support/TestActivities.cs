using System.Collections.Concurrent;
using Omnichannel.Flows.Engine.Activities;

namespace Omnichannel.Flows.Engine.Tests.Support;

/// <summary>A send as the platform would do it: records the rendered text with the step's idempotency key.</summary>
internal sealed class RecordingSendActivity : IActivity
{
    public ConcurrentQueue<(string Key, string Text, string NodeId)> Sent { get; } = new();

    public ActivityDescriptor Descriptor { get; } = new(
        "test.send", "Messages", "Send (test)", "Records what it would send.",
        [
            new("text", InputKind.LiquidText, "Text", "What to send.") { Required = true },
            new("channel", InputKind.Channel, "Channel", "Where to send."),
        ],
        [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        Sent.Enqueue((context.IdempotencyKey, context.Render("text"), context.NodeId));
        return ValueTask.FromResult(ActivityOutcome.Done);
    }

    public IReadOnlyList<string> Texts => Sent.Select(s => s.Text).ToList();
}

/// <summary>Fails its first <see cref="FailuresLeft"/> attempts (throwing), recording every key it ran with.</summary>
internal sealed class FlakyActivity : IActivity
{
    public int FailuresLeft { get; set; } = 1;

    public List<string> Keys { get; } = [];

    public ActivityDescriptor Descriptor { get; } = new("test.flaky", "Test", "Flaky", "Fails, then works.", [], [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        Keys.Add(context.IdempotencyKey);
        context.SetVariable("touched", System.Text.Json.JsonSerializer.SerializeToElement("yes"));
        if (FailuresLeft-- > 0)
        {
            throw new HttpRequestException("provider unavailable");
        }

        return ValueTask.FromResult(ActivityOutcome.Done);
    }
}

/// <summary>A platform-style trigger ("a message arrived"), unknown to the engine.</summary>
internal sealed class MessageReceivedTrigger : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "test.messageReceived", "Triggers", "Message received (test)", "Starts when a contact writes.",
        [new("channel", InputKind.Channel, "Channel", "Only messages on this channel.")],
        [Ports.Done]) { IsTrigger = true };

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
}
