using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// <c>message.send</c>: sends a text (Liquid) to the contact through the outbox, on the channel the flow was triggered
/// from (<c>this</c>), on the customer's <c>preferred</c> channel, or on a named one. When WhatsApp refuses free text
/// because the service window has closed and a fallback template is configured, that template goes instead. Continues
/// through <c>sent</c>, or <c>failed</c> with the reason in the journal (opted out, unreachable, window closed without a
/// fallback…). The step's idempotency key makes a re-run answer with the message already queued.
/// </summary>
public sealed class SendMessageActivity(IServiceScopeFactory scopes, ILogger<SendMessageActivity> logger) : IActivity
{
    public const string ThisChannel = "this";
    public const string Preferred = "preferred";

    public ActivityDescriptor Descriptor { get; } = new(
        "message.send", "Messages", "Send message",
        "Sends a text to the contact on this channel, their preferred one or a named one; on WhatsApp after the service window, an approved template instead if you set one.",
        [
            new("text", InputKind.LiquidText, "Text", "What to send; may use Liquid, e.g. Hi {{ contact.first_name }}.") { Required = true },
            new("channel", InputKind.Channel, "Channel", "\"this\" (the channel the flow was triggered from), \"preferred\" (the customer's), or a channel name.")
            {
                Default = PlatformInputs.Json(ThisChannel),
                Options = [ThisChannel, Preferred, .. ChannelNames.All.Order(StringComparer.Ordinal)],
                Parser = ParseChannel,
            },
            new("subject", InputKind.LiquidText, "Email subject", "For email; by default a reply to the customer's last email."),
            new("fallbackTemplate", InputKind.Template, "Fallback template", "An approved WhatsApp template sent instead when the WhatsApp service window is closed."),
            new("fallbackLanguage", InputKind.Text, "Fallback language", "The template's language code.") { Default = PlatformInputs.Json("en_US") },
            new("fallbackParameters", InputKind.Json, "Fallback parameters",
                "The template's values: [\"{{ contact.first_name }}\", …] for {{1}}, {{2}}…, or an object by placeholder name.") { Parser = TemplateParameterMapping.Parse },
        ],
        [SendResults.Sent, Ports.Failed]);

    public object? Prepare(NodeInputs inputs)
    {
        if (!inputs.Has("fallbackTemplate") && inputs.Has("fallbackParameters"))
        {
            inputs.AddError("fallbackParameters", "Fallback parameters need a fallback template.");
        }

        return null;
    }

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var cancellationToken = context.CancellationToken;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (await AutomationSteps.ContactAsync(context, services) is not { } contactId)
        {
            return SendResults.Failed(context, "contact_not_found", "The flow's contact does not exist.", logger);
        }

        var text = context.Render("text");
        if (string.IsNullOrWhiteSpace(text))
        {
            return SendResults.Failed(context, "empty_text", "The text rendered empty.", logger);
        }

        var (channel, unreachable) = await ChannelAsync(context, services, contactId);
        if (unreachable)
        {
            return SendResults.Failed(context, "unreachable", "The customer has no enabled channel they can be reached on.", logger);
        }

        var sender = services.GetRequiredService<MessageSender>();
        var result = await sender.QueueTextAsync(new SendTextRequest(contactId, channel, text, MessageOrigin.Automation)
        {
            AuthorName = AutomationSteps.AuthorName(context),
            Subject = context.HasInput("subject") ? context.Render("subject") : null,
            IdempotencyKey = context.IdempotencyKey,
        }, cancellationToken);

        if (result is { Refusal: SendRefusal.WindowClosed, Window.Channel: ChannelKind.WhatsApp } && context.HasInput("fallbackTemplate"))
        {
            context.Record("fallback", $"the WhatsApp window is closed: {result.Detail}");
            var parameters = context.OptionalInput<TemplateParameterMapping>("fallbackParameters")?.Render(context, "fallbackParameters");

            // A fresh scope: the refused attempt may have left a derived identity or a new conversation unsaved in its context.
            await using var fallbackScope = scopes.CreateAsyncScope();
            result = await fallbackScope.ServiceProvider.GetRequiredService<MessageSender>().QueueTemplateAsync(new SendTemplateRequest(
                contactId, ChannelKind.WhatsApp, context.Input<string>("fallbackTemplate"), context.Input<string>("fallbackLanguage"),
                parameters, MessageOrigin.Automation)
            {
                AuthorName = AutomationSteps.AuthorName(context),
                IdempotencyKey = context.IdempotencyKey,
            }, cancellationToken);
        }

        return SendResults.Outcome(context, result, logger);
    }

    /// <returns>The channel to send on (null: the one the customer last wrote on); unreachable when "preferred" finds none.</returns>
    private static async Task<(ChannelKind? Channel, bool Unreachable)> ChannelAsync(StepContext context, IServiceProvider services, Guid contactId)
    {
        var choice = context.Input<string>("channel");
        ChannelKind? channel = choice switch
        {
            ThisChannel => context.Facts.TryGetValue("trigger.channel", out var triggered) && ChannelNames.TryParse(triggered.ToString(), out var from)
                ? from
                : null,
            Preferred => await services.GetRequiredService<PreferredChannel>().ChooseAsync(contactId, context.CancellationToken),
            _ => ChannelNames.TryParse(choice, out var named) ? named : null,
        };
        context.Record("channel", channel?.ToName() ?? (choice == Preferred ? "none reachable" : "the customer's last channel"));
        return (channel, choice == Preferred && channel is null);
    }

    private static object? ParseChannel(System.Text.Json.JsonElement value, InputParseContext context)
    {
        var name = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString()!.Trim().ToLowerInvariant() : "";
        if (name is ThisChannel or Preferred)
        {
            return name;
        }

        return PlatformInputs.ChannelName(value, context);
    }
}
