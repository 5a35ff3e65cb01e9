using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Cost before send: plans the whole live audience as the snapshot would (channel per customer, skips) and prices each
/// WhatsApp message with <see cref="CostEstimator"/> for that customer's market and service window right now (a utility
/// template is free to a customer whose window is open). Other channels are not priced here.
/// </summary>
public sealed class BroadcastEstimator(
    FlowsDbContext db, RecipientPlanner planner, CostEstimator costs, RateCardStore cards, ConsentPolicy consent, TimeProvider time,
    IOptions<BroadcastOptions> options)
{
    public async Task<BroadcastEstimate> EstimateAsync(string name, MessagePurpose purpose, BroadcastDefinition definition, MessageTemplate? template,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var plan = new BroadcastPlan(name, purpose, definition, template, consent);
        var priced = new BroadcastCosts(costs, time);
        var category = template?.Category ?? TemplateCategory.Marketing;
        var ids = await AudienceQuery.Apply(db, definition.Audience).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        var byChannel = new Dictionary<string, int>();
        var skipped = new Dictionary<string, int>();
        var byCategory = new Dictionary<string, CostLine>();
        var byMarket = new Dictionary<string, CostLine>();
        long total = 0;
        var free = 0;
        foreach (var page in ids.Chunk(options.Value.SnapshotPageSize))
        {
            foreach (var recipient in await planner.PlanAsync(db, plan, page, now, cancellationToken))
            {
                if (recipient.SkipReason is { } reason)
                {
                    skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                    continue;
                }

                byChannel[recipient.Channel!.Value.ToName()] = byChannel.GetValueOrDefault(recipient.Channel.Value.ToName()) + 1;
                if (await priced.EstimateAsync(recipient, category, cancellationToken) is { } cost)
                {
                    total += cost.AmountMicros;
                    free += cost.AmountMicros == 0 ? 1 : 0;
                    Add(byCategory, cost.Category, cost.AmountMicros);
                    Add(byMarket, cost.Market ?? "", cost.AmountMicros);
                }
            }
        }

        var currency = (await cards.CurrentAsync(CostEstimator.Channel, now, cancellationToken)).Currency;
        return new BroadcastEstimate(ids.Count, byChannel.Values.Sum(), total, currency, free, byChannel, skipped,
            [.. byCategory.Values.OrderBy(l => l.Name)], [.. byMarket.Values.OrderByDescending(l => l.AmountMicros).ThenBy(l => l.Name)], now);
    }

    private static void Add(Dictionary<string, CostLine> lines, string name, long micros) =>
        lines[name] = lines.TryGetValue(name, out var line) ? line with { Messages = line.Messages + 1, AmountMicros = line.AmountMicros + micros } : new CostLine(name, 1, micros);
}

/// <summary>What a broadcast would cost if it were sent now, and to whom it would go.</summary>
/// <param name="Audience">Customers the audience selects.</param>
/// <param name="Recipients">Those who would get a message (the rest are skipped, see <see cref="Skipped"/>).</param>
/// <param name="Free">WhatsApp messages that cost nothing (e.g. utility templates inside an open window).</param>
public sealed record BroadcastEstimate(
    int Audience, int Recipients, [property: System.Text.Json.Serialization.JsonIgnore] long TotalMicros, string Currency, int Free,
    IReadOnlyDictionary<string, int> ByChannel, IReadOnlyDictionary<string, int> Skipped, IReadOnlyList<CostLine> ByCategory,
    IReadOnlyList<CostLine> ByMarket, DateTime At)
{
    /// <summary>The total to confirm when scheduling (<c>confirmTotal</c>).</summary>
    public decimal Total => TotalMicros / 1_000_000m;

    public string Note => "WhatsApp messages priced per category and market with each customer's service window now; other channels are not priced.";
}

public sealed record CostLine(string Name, int Messages, [property: System.Text.Json.Serialization.JsonIgnore] long AmountMicros)
{
    public decimal Amount => AmountMicros / 1_000_000m;
}
