using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Web.Components.Templates;

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
