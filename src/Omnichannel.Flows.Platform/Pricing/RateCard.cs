using System.Text.Json;
using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>
/// A dated price list for one channel's messages: a rate per template category and market (a country or a regional
/// group), optionally lowered by monthly volume tiers, and the rules for what is free. Prices are data, never logic.
/// </summary>
public sealed record RateCard(
    string Channel,
    DateOnly EffectiveFrom,
    string Currency,
    string? Source,
    RateCardRules Rules,
    string DefaultMarket,
    IReadOnlyList<MarketRates> Markets)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public MarketRates MarketFor(string? countryCode) =>
        Markets.FirstOrDefault(m => countryCode is not null && m.Countries.Contains(countryCode, StringComparer.OrdinalIgnoreCase))
        ?? Markets.First(m => m.Name == DefaultMarket);

    /// <summary>What is wrong with the card, each with a JSON pointer; empty when it can be used.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetterUpper))
        {
            problems.Add(("/currency", "An ISO 4217 code in capitals, e.g. USD."));
        }

        if (Rules is null)
        {
            problems.Add(("/rules", "The rules for what is free (serviceFree, utilityFreeInServiceWindow, freeEntryPointWindowFree)."));
        }

        if (Markets is not { Count: > 0 })
        {
            problems.Add(("/markets", "At least one market."));
            return problems;
        }

        if (Markets.All(m => m.Name != DefaultMarket))
        {
            problems.Add(("/defaultMarket", $"'{DefaultMarket}' is not one of the markets."));
        }

        for (var i = 0; i < Markets.Count; i++)
        {
            var market = Markets[i];
            if (string.IsNullOrWhiteSpace(market.Name) || Markets.Count(m => m.Name == market.Name) > 1)
            {
                problems.Add(($"/markets/{i}/name", "Each market needs a unique name."));
            }

            if (new[] { market.Marketing, market.Utility, market.Authentication }.Any(r => r < 0) || market.AuthenticationInternational < 0)
            {
                problems.Add(($"/markets/{i}", "Rates cannot be negative."));
            }

            if (market.Countries is null)
            {
                problems.Add(($"/markets/{i}/countries", "A list of ISO 3166 country codes (empty for a market that only serves as the default)."));
            }

            problems.AddRange(TierProblems(market.UtilityTiers, $"/markets/{i}/utilityTiers"));
            problems.AddRange(TierProblems(market.AuthenticationTiers, $"/markets/{i}/authenticationTiers"));
        }

        var claimed = Markets.SelectMany(m => m.Countries ?? []).GroupBy(c => c, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (claimed.Count > 0)
        {
            problems.Add(("/markets", $"Countries in more than one market: {string.Join(", ", claimed)}."));
        }

        return problems;
    }

    private static IEnumerable<(string, string)> TierProblems(IReadOnlyList<VolumeTier>? tiers, string pointer)
    {
        if (tiers is null)
        {
            yield break;
        }

        for (var i = 0; i < tiers.Count; i++)
        {
            if (tiers[i].Rate < 0 || (i > 0 && tiers[i].FromMonthlyVolume <= tiers[i - 1].FromMonthlyVolume))
            {
                yield return ($"{pointer}/{i}", "Tiers start at increasing monthly volumes with non-negative rates.");
            }
        }
    }
}

/// <summary>What the channel does not charge for.</summary>
public sealed record RateCardRules(bool ServiceFree = true, bool UtilityFreeInServiceWindow = true, bool FreeEntryPointWindowFree = true);

/// <summary>
/// Rates of one market, in <see cref="RateCard.Currency"/> per delivered message. Volume tiers, where given, replace the
/// base rate once the month's delivered messages of that category in the market reach the tier's start.
/// </summary>
public sealed record MarketRates(
    string Name,
    IReadOnlyList<string> Countries,
    decimal Marketing,
    decimal Utility,
    decimal Authentication,
    decimal? AuthenticationInternational = null,
    IReadOnlyList<VolumeTier>? UtilityTiers = null,
    IReadOnlyList<VolumeTier>? AuthenticationTiers = null);

public sealed record VolumeTier(long FromMonthlyVolume, decimal Rate);

/// <summary>A rate card an admin uploaded (newer dated cards replace the shipped one from their date on).</summary>
public sealed class RateCardVersion
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public required string Channel { get; init; }
    public DateOnly EffectiveFrom { get; init; }

    /// <summary>The card as JSON, as uploaded (validated).</summary>
    public required string Card { get; init; }
    public string? UploadedByUserId { get; init; }
    public DateTime UploadedAt { get; init; }
}

internal sealed class RateCardVersionConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<RateCardVersion>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<RateCardVersion> builder)
    {
        builder.Property(v => v.Channel).HasMaxLength(16);
        builder.HasIndex(v => new { v.Channel, v.EffectiveFrom });
    }
}
