using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>
/// The rate cards in force: the card shipped with the app (<c>Pricing/RateCards/*.json</c>) and any newer dated card an
/// admin uploaded. The card for a moment is the one with the latest start on or before it.
/// </summary>
public sealed class RateCardStore(IDbContextFactory<FlowsDbContext> dbs)
{
    private static readonly Lazy<IReadOnlyList<RateCard>> Shipped = new(LoadShipped);

    public static IReadOnlyList<RateCard> ShippedCards => Shipped.Value;

    public async Task<RateCard> CurrentAsync(string channel, DateTime at, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(at);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var uploaded = await db.RateCardVersions.AsNoTracking()
            .Where(v => v.Channel == channel && v.EffectiveFrom <= day)
            .OrderByDescending(v => v.EffectiveFrom).ThenByDescending(v => v.UploadedAt)
            .Select(v => v.Card)
            .FirstOrDefaultAsync(cancellationToken);
        var candidates = Shipped.Value.Where(c => c.Channel == channel && c.EffectiveFrom <= day).ToList();
        if (uploaded is not null)
        {
            // First, so that an upload dated like a shipped card (a correction of it) wins the tie below.
            candidates.Insert(0, Parse(uploaded));
        }

        return candidates.OrderByDescending(c => c.EffectiveFrom).FirstOrDefault()
            ?? Shipped.Value.Where(c => c.Channel == channel).OrderBy(c => c.EffectiveFrom).FirstOrDefault()
            ?? throw new InvalidOperationException($"No rate card for the {channel} channel.");
    }

    public async Task<IReadOnlyList<RateCard>> AllAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var uploaded = await db.RateCardVersions.AsNoTracking().Where(v => v.Channel == channel)
            .OrderBy(v => v.UploadedAt).Select(v => v.Card).ToListAsync(cancellationToken);
        return [.. Shipped.Value.Where(c => c.Channel == channel).Concat(uploaded.Select(Parse)).OrderBy(c => c.EffectiveFrom)];
    }

    public static RateCard Parse(string json) =>
        JsonSerializer.Deserialize<RateCard>(json, RateCard.Json) ?? throw new JsonException("The rate card is empty.");

    private static IReadOnlyList<RateCard> LoadShipped()
    {
        var assembly = typeof(RateCardStore).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith("RateCards.", StringComparison.Ordinal))
                .Select(n =>
                {
                    using var stream = assembly.GetManifestResourceStream(n)!;
                    return JsonSerializer.Deserialize<RateCard>(stream, RateCard.Json)!;
                }),
        ];
    }
}
