using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Names provider failures the product reacts to. A send refused because the service window had closed — WhatsApp
/// 131047 (re-engagement), Messenger/Instagram 10 with subcode 2018278 or 2534022 — fails with the reason
/// <c>window_closed</c>, whenever it arrives (the send's answer or a status webhook hours later), so the inbox can show
/// it and flows can react by sending a template instead.
/// </summary>
public static class SendFailures
{
    public const string WindowClosed = "window_closed";

    private static readonly HashSet<string> WindowClosedCodes = ["131047", "10/2018278", "10/2534022"];

    /// <summary>Records the failure for flows (<c>send.failed</c>), with the change that failed the message.</summary>
    public static void RaiseAutomationEvent(FlowsDbContext db, Message message, DateTime now) =>
        db.RaiseAutomationEvent(AutomationEventTypes.SendFailed, message.ContactId,
            new { messageId = message.Id, channel = message.Channel, code = message.ErrorCode, reason = message.ErrorReason },
            causedByAutomation: message.Origin is MessageOrigin.Automation, now);

    /// <returns>The code and reason to store: ours for failures we name (keeping the provider's in the reason).</returns>
    public static (string? Code, string? Reason) Classify(string? providerCode, string? reason) =>
        providerCode is not null && WindowClosedCodes.Contains(providerCode)
            ? (WindowClosed, $"{providerCode}: {reason ?? "the service window has closed"}")
            : (providerCode, reason);
}

/// <summary>A message we sent failed for good (published with its reason, e.g. <see cref="SendFailures.WindowClosed"/>).</summary>
public sealed record MessageSendFailed(Guid ContactId, Guid MessageId, ChannelKind Channel, string? Code, string? Reason) : ConversationEvent(ContactId);
