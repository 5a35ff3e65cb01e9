using System.Globalization;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// Turns <see cref="MessageSender"/>'s answer into a send activity's outcome: <c>sent</c> with the queued message
/// (its id, channel, kind and cost estimate in the journal), or <c>failed</c> with the refusal's reason
/// (<c>window_closed</c>, <c>opted_out</c>, <c>unreachable</c>…) and detail in the journal.
/// </summary>
internal static class SendResults
{
    public const string Sent = "sent";

    public static string ReasonOf(SendRefusal refusal) => refusal switch
    {
        SendRefusal.WindowClosed => SendFailures.WindowClosed,
        SendRefusal.OptedOut => "opted_out",
        SendRefusal.NoRecipient => "unreachable",
        SendRefusal.ContactNotFound => "contact_not_found",
        SendRefusal.ChannelDisabled => "channel_disabled",
        SendRefusal.TemplateNotFound => "template_not_found",
        SendRefusal.TemplateNotApproved => "template_not_approved",
        SendRefusal.InvalidTemplateParameters => "invalid_template_parameters",
        SendRefusal.Unsupported => "unsupported",
        _ => refusal.ToString(),
    };

    public static ActivityOutcome Outcome(StepContext context, SendRequestResult result, ILogger logger)
    {
        if (result.Message is { } message)
        {
            context.Record("messageId", message.Id.ToString());
            context.Record("channel", message.Channel.ToName());
            context.Record("kind", message.Kind == MessageKind.Template ? $"template {message.TemplateName} ({message.TemplateLanguage})" : "text");
            if (message.CostCurrency is { } currency)
            {
                context.Record("cost", string.Create(CultureInfo.InvariantCulture,
                    $"{(message.CostEstimateMicros ?? 0) / 1_000_000m} {currency}{(message.CostMarket is { } market ? $" ({market})" : "")}"));
            }

            logger.LogInformation("Flow {FlowId} instance {InstanceId} queued message {MessageId} to contact {ContactId} on {Channel}",
                context.FlowId, context.InstanceId, message.Id, message.ContactId, message.Channel);
            return ActivityOutcome.Continue(Sent);
        }

        return Failed(context, ReasonOf(result.Refusal!.Value), result.Detail ?? "", logger);
    }

    public static ActivityOutcome Failed(StepContext context, string reason, string detail, ILogger logger)
    {
        context.Record("refusal", reason);
        context.Record("detail", detail);
        logger.LogInformation("Flow {FlowId} instance {InstanceId} node {NodeId} did not send: {Reason} ({Detail})",
            context.FlowId, context.InstanceId, context.NodeId, reason, detail);
        return ActivityOutcome.Continue(Ports.Failed);
    }
}
