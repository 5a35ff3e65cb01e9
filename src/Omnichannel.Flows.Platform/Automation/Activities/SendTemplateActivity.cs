using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// <c>whatsapp.sendTemplate</c>: sends an approved WhatsApp template, open window or not, with its values rendered from
/// Liquid. The message carries its cost estimate (and later its actual cost); the journal records the estimate too.
/// Continues through <c>sent</c>, or <c>failed</c> with the reason (template missing or not approved, wrong values,
/// opted out, unreachable…).
/// </summary>
public sealed class SendTemplateActivity(IServiceScopeFactory scopes, ILogger<SendTemplateActivity> logger) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "whatsapp.sendTemplate", "Messages", "Send WhatsApp template",
        "Sends an approved WhatsApp template — possible whether or not the service window is open; what it costs is recorded.",
        [
            new("template", InputKind.Template, "Template", "The approved template's name, e.g. order_update.") { Required = true },
            new("language", InputKind.Text, "Language", "The template's language code, e.g. en_US.") { Default = PlatformInputs.Json("en_US") },
            new("parameters", InputKind.Json, "Parameters",
                "The template's values: [\"{{ contact.first_name }}\", …] for {{1}}, {{2}}…, or an object by placeholder name.") { Parser = TemplateParameterMapping.Parse },
        ],
        [SendResults.Sent, Ports.Failed]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (await AutomationSteps.ContactAsync(context, services) is not { } contactId)
        {
            return SendResults.Failed(context, "contact_not_found", "The flow's contact does not exist.", logger);
        }

        var template = context.Input<string>("template");
        var language = context.Input<string>("language");
        var parameters = context.OptionalInput<TemplateParameterMapping>("parameters")?.Render(context, "parameters");
        var result = await services.GetRequiredService<MessageSender>().QueueTemplateAsync(
            new SendTemplateRequest(contactId, ChannelKind.WhatsApp, template, language, parameters, MessageOrigin.Automation)
            {
                AuthorName = AutomationSteps.AuthorName(context),
                IdempotencyKey = context.IdempotencyKey,
            }, context.CancellationToken);
        return SendResults.Outcome(context, result, logger);
    }
}
