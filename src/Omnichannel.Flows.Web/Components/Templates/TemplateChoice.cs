using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Web.Components.Templates;

/// <summary>What was picked in a <see cref="TemplatePicker"/>: an approved template with a value for each placeholder, the text the customer will read and what it costs.</summary>
public sealed record TemplateChoice(
    string Name, string Language, TemplateCategory Category, IReadOnlyList<TemplateParameter> Parameters, string Text, CostView Cost)
{
    /// <summary>The values as <c>MessageSender.QueueTemplateAsync</c> takes them: an object by placeholder name (numbers too), none without placeholders.</summary>
    public JsonElement? ParametersJson() =>
        Parameters.Count == 0 ? null : JsonSerializer.SerializeToElement(Parameters.ToDictionary(p => p.Name, p => p.Text));

    /// <summary>The body with the values filled in; placeholders without a value stay as they are (a preview).</summary>
    public static string Render(string? body, IReadOnlyDictionary<string, string> values) =>
        TemplateParameters.Render(
            new MessageTemplate { Name = "", Language = "", BodyText = body ?? "" },
            [.. values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => new TemplateParameter(v.Key, v.Value))]);
}

/// <summary>
/// What a <see cref="TemplatePicker"/> offers one customer: the approved templates with their cost, the profile that
/// pre-fills their values, and why the categories the customer opted out of (e.g. marketing) cannot be sent to them.
/// </summary>
public sealed record TemplatePickerData(
    ContactDetails? Contact, IReadOnlyList<TemplateSuggestion> Templates, IReadOnlyDictionary<TemplateCategory, string> OptedOut)
{
    /// <summary>
    /// Reads in one scope: the profile, the customer's number on the channel (their pricing market), the templates priced
    /// for <paramref name="window"/> and what the customer's consent lets an agent send of each category.
    /// </summary>
    public static async Task<TemplatePickerData> LoadAsync(IServiceProvider services, Guid contactId, ChannelKind channel, ChannelWindow window,
        CancellationToken cancellationToken)
    {
        var contact = await services.GetRequiredService<ContactQueries>().GetAsync(contactId, cancellationToken);
        if (contact is null)
        {
            return new TemplatePickerData(null, [], new Dictionary<TemplateCategory, string>());
        }

        var state = await services.GetRequiredService<ContactChannelStates>().ForAsync(contact.Id, channel, cancellationToken);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var templates = await services.GetRequiredService<TemplateSuggestions>()
            .ForAsync(channel, state?.PricingPhone, contact.Locale, window, now, cancellationToken);
        var consent = services.GetRequiredService<ConsentPolicy>();
        var optedOut = new Dictionary<TemplateCategory, string>();
        foreach (var category in templates.Select(t => t.Category).Distinct())
        {
            var decision = await consent.CheckAsync(contact.Id, channel, SendPurposes.Of(MessageOrigin.Agent, category), cancellationToken);
            if (!decision.IsAllowed)
            {
                optedOut[category] = decision.Reason ?? "The customer opted out.";
            }
        }

        return new TemplatePickerData(contact, templates, optedOut);
    }
}
