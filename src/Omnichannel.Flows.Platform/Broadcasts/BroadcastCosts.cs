using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Prices a broadcast's WhatsApp messages with <see cref="CostEstimator"/>, asking it once per distinct case (category,
/// country, window open or not, free entry point) instead of once per recipient. One instance per estimate or run;
/// estimates are at most <see cref="MaxAge"/> old, so a long run follows rate card and volume tier changes.
/// </summary>
public sealed class BroadcastCosts(CostEstimator estimator, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly Dictionary<(TemplateCategory, string?, bool, bool), (CostEstimate Estimate, DateTime At)> cache = [];

    /// <returns>The cost of sending to the recipient, or null when the channel is not priced (not WhatsApp).</returns>
    public async Task<CostEstimate?> EstimateAsync(PlannedRecipient recipient, TemplateCategory category, CancellationToken cancellationToken) =>
        recipient is { Channel: ChannelKind.WhatsApp, Window: { } window }
            ? await EstimateAsync(category, recipient.WhatsAppPhone, window, cancellationToken)
            : null;

    public async Task<CostEstimate> EstimateAsync(TemplateCategory category, string? phone, ChannelWindow window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var country = PricingMarkets.CountryOf(phone);
        var key = (category, country, window.Open, window.Open && window.FreeEntryPoint);
        if (cache.TryGetValue(key, out var cached) && now - cached.At < MaxAge)
        {
            return cached.Estimate;
        }

        var estimate = await estimator.EstimateAsync(category, phone, window, now, cancellationToken);
        cache[key] = (estimate, now);
        return estimate;
    }
}
