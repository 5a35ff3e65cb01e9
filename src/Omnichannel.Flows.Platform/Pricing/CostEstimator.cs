using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>What a WhatsApp send costs, shown before it goes (and recorded with the message).</summary>
/// <param name="Category">marketing / utility / authentication, or service for a free-form message.</param>
public sealed record CostEstimate(string Category, string? Market, long AmountMicros, string Currency, bool Free, string Reason)
{
    public decimal Amount => AmountMicros / 1_000_000m;
}

/// <summary>
/// Prices a WhatsApp message by category × the recipient's market on the rate card in force, applying its rules: service
/// (free-form) messages are free, utility templates are free inside an open service window, everything is free inside a
/// free entry point window, marketing and authentication are always charged; volume tiers lower utility and
/// authentication rates once the month's volume in the market reaches them.
/// </summary>
public sealed class CostEstimator(RateCardStore cards, IDbContextFactory<FlowsDbContext> dbs)
{
    public const string Channel = "whatsapp";

    /// <param name="category">The template's category; null for a free-form (service) message.</param>
    public async Task<CostEstimate> EstimateAsync(TemplateCategory? category, string? recipientE164, ChannelWindow window, DateTime at,
        CancellationToken cancellationToken)
    {
        var card = await cards.CurrentAsync(Channel, at, cancellationToken);
        var market = card.MarketFor(PricingMarkets.CountryOf(recipientE164));
        var name = category?.ToString().ToLowerInvariant() ?? "service";
        CostEstimate Free(string reason) => new(name, market.Name, 0, card.Currency, true, reason);

        if (category is null)
        {
            return card.Rules.ServiceFree ? Free("Free-form (service) messages are free.") : Charged(card, market, name, market.Utility, "Service messages are charged at the utility rate.");
        }

        if (window.Open && window.FreeEntryPoint && card.Rules.FreeEntryPointWindowFree)
        {
            return Free("Free inside the 72 h free entry point window.");
        }

        if (category == TemplateCategory.Utility && window.Open && card.Rules.UtilityFreeInServiceWindow)
        {
            return Free("Utility templates are free inside an open service window.");
        }

        var (rate, reason) = category switch
        {
            TemplateCategory.Marketing => (market.Marketing, "Marketing templates are always charged."),
            TemplateCategory.Utility => (await TieredAsync(market.Utility, market.UtilityTiers, category.Value, market.Name, at, cancellationToken),
                "Utility templates are charged outside the service window."),
            _ => (await TieredAsync(market.Authentication, market.AuthenticationTiers, category.Value, market.Name, at, cancellationToken),
                "Authentication templates are always charged."),
        };
        return Charged(card, market, name, rate, reason);
    }

    /// <summary>What a delivered message cost by the provider's own word (billable + category) and the card's rate.</summary>
    public async Task<long?> ActualMicrosAsync(Message message, CancellationToken cancellationToken)
    {
        if (message.Channel != ChannelKind.WhatsApp || message.PricingBillable is null)
        {
            return null;
        }

        if (message.PricingBillable == false)
        {
            return 0;
        }

        var card = await cards.CurrentAsync(Channel, message.SentAt, cancellationToken);
        var market = card.Markets.FirstOrDefault(m => m.Name == message.CostMarket) ?? card.Markets.First(m => m.Name == card.DefaultMarket);
        var rate = message.PricingCategory switch
        {
            "marketing" => market.Marketing,
            "authentication" or "authentication_international" or "authentication-international" =>
                message.PricingCategory == "authentication" ? market.Authentication : market.AuthenticationInternational ?? market.Authentication,
            _ => market.Utility,
        };
        return ToMicros(rate);
    }

    private async Task<decimal> TieredAsync(decimal baseRate, IReadOnlyList<VolumeTier>? tiers, TemplateCategory category, string market, DateTime at,
        CancellationToken cancellationToken)
    {
        if (tiers is not { Count: > 0 })
        {
            return baseRate;
        }

        var monthStart = new DateTime(at.Year, at.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var volume = await db.Messages.CountAsync(m => m.Direction == MessageDirection.Outbound && m.Channel == ChannelKind.WhatsApp &&
            m.TemplateCategory == category && m.CostMarket == market && m.SentAt >= monthStart && m.SentAt <= at &&
            (m.Status == DeliveryStatus.Sent || m.Status == DeliveryStatus.Delivered || m.Status == DeliveryStatus.Read), cancellationToken);
        return tiers.LastOrDefault(t => volume >= t.FromMonthlyVolume)?.Rate ?? baseRate;
    }

    private static CostEstimate Charged(RateCard card, MarketRates market, string category, decimal rate, string reason) =>
        new(category, market.Name, ToMicros(rate), card.Currency, rate == 0, reason);

    private static long ToMicros(decimal amount) => (long)decimal.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);
}
