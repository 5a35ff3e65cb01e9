using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Pricing;

public enum TemplateCostRefusal
{
    TemplateNotFound,

    /// <summary>The name exists in several languages with different categories: the language decides the price.</summary>
    AmbiguousLanguage,
    ContactNotFound,
    NotOnWhatsApp,
}

/// <summary>What sending a template to a customer would cost now, or why that cannot be said.</summary>
public sealed record TemplateCostQuote(CostView? Cost, TemplateCostRefusal? Refusal, string? Detail)
{
    public static TemplateCostQuote Refused(TemplateCostRefusal refusal, string detail) => new(null, refusal, detail);
}

/// <summary>
/// Prices a WhatsApp template for one customer: their market (from their number) and their service window decide
/// (<c>GET /api/templates/{name}/cost</c> and the templates page's preview).
/// </summary>
public sealed class TemplateCosts(FlowsDbContext db, ContactQueries contacts, ContactChannelStates channels, CostEstimator costs, TimeProvider time)
{
    public async Task<TemplateCostQuote> QuoteAsync(string name, string? language, Guid contactId, CancellationToken cancellationToken)
    {
        var categories = await db.MessageTemplates.AsNoTracking()
            .Where(t => t.Channel == ChannelKind.WhatsApp && t.Name == name && (language == null || t.Language == language))
            .Select(t => t.Category).Distinct()
            .ToListAsync(cancellationToken);
        if (categories.Count == 0)
        {
            return TemplateCostQuote.Refused(TemplateCostRefusal.TemplateNotFound,
                $"No WhatsApp template '{name}'{(language is null ? "" : $" in '{language}'")}.");
        }

        if (categories.Count > 1)
        {
            return TemplateCostQuote.Refused(TemplateCostRefusal.AmbiguousLanguage,
                $"'{name}' exists in several languages with different categories; name the language.");
        }

        if (await contacts.ResolveSurvivorAsync(contactId, cancellationToken) is not { } survivor)
        {
            return TemplateCostQuote.Refused(TemplateCostRefusal.ContactNotFound, "No such contact.");
        }

        if (await channels.ForAsync(survivor, ChannelKind.WhatsApp, cancellationToken) is not { } whatsApp)
        {
            return TemplateCostQuote.Refused(TemplateCostRefusal.NotOnWhatsApp,
                "The contact cannot be reached on WhatsApp: no WhatsApp id or verified phone.");
        }

        var estimate = await costs.EstimateAsync(categories[0], whatsApp.PricingPhone, whatsApp.Window, time.GetUtcNow().UtcDateTime, cancellationToken);
        return new TemplateCostQuote(CostView.From(estimate), null, null);
    }
}
