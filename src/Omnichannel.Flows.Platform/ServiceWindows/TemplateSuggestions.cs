using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.ServiceWindows;

/// <summary>What may be sent when a window is closed: the channel's approved templates, each with what it would cost now.</summary>
public sealed class TemplateSuggestions(TemplateCatalog templates, CostEstimator costs)
{
    public async Task<IReadOnlyList<TemplateSuggestion>> ForAsync(ChannelKind channel, string? recipientPhone, string? locale, ChannelWindow window,
        DateTime now, CancellationToken cancellationToken)
    {
        if (channel != ChannelKind.WhatsApp)
        {
            return [];
        }

        var suggestions = new List<TemplateSuggestion>();
        foreach (var template in await templates.ApprovedAsync(channel, locale, cancellationToken))
        {
            var cost = await costs.EstimateAsync(template.Category, recipientPhone, window, now, cancellationToken);
            suggestions.Add(new TemplateSuggestion(template.Name, template.Language, template.Category, template.BodyText, template.BodyParameters,
                CostView.From(cost)));
        }

        return suggestions;
    }
}

public sealed record TemplateSuggestion(
    string Name, string Language, TemplateCategory Category, string? BodyText, IReadOnlyList<string> Parameters, CostView Cost);

/// <summary>A cost as the API shows it: <c>{ category, market, amount, currency, free, reason }</c>.</summary>
public sealed record CostView(string Category, string? Market, decimal Amount, string Currency, bool Free, string Reason)
{
    public static CostView From(CostEstimate estimate) =>
        new(estimate.Category, estimate.Market, estimate.Amount, estimate.Currency, estimate.Free, estimate.Reason);
}
