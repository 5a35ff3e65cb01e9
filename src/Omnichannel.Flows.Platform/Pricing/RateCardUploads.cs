using System.Text.Json;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>Something wrong with an uploaded rate card, and where (a JSON pointer).</summary>
public sealed record RateCardProblem(string Pointer, string Message);

/// <summary>The stored card, or why it was not taken: not a card at all (<see cref="NotACard"/>) or a card with problems.</summary>
public sealed record RateCardUploadResult(RateCard? Card, bool NotACard, IReadOnlyList<RateCardProblem> Problems);

/// <summary>
/// Takes a dated WhatsApp rate card an admin uploads (<c>PUT /api/pricing/whatsapp/rate-cards</c>, the pricing page):
/// parsed, checked with every problem's JSON pointer, and stored; from its date on, estimates use it.
/// </summary>
public sealed class RateCardUploads(FlowsDbContext db, TimeProvider time)
{
    public async Task<RateCardUploadResult> UploadAsync(string json, string? userId, CancellationToken cancellationToken)
    {
        RateCard card;
        try
        {
            card = RateCardStore.Parse(json);
        }
        catch (JsonException exception)
        {
            var pointer = exception.Path is { } path ? "/" + path.TrimStart('$', '.').Replace('.', '/') : "";
            return new RateCardUploadResult(null, NotACard: true, [new RateCardProblem(pointer, exception.Message)]);
        }

        var problems = card.Problems().Select(p => new RateCardProblem(p.Pointer, p.Message)).ToList();
        if (card.Channel != CostEstimator.Channel)
        {
            problems.Insert(0, new RateCardProblem("/channel", $"This endpoint takes {CostEstimator.Channel} rate cards."));
        }

        if (problems.Count > 0)
        {
            return new RateCardUploadResult(null, NotACard: false, problems);
        }

        db.RateCardVersions.Add(new RateCardVersion
        {
            Channel = card.Channel,
            EffectiveFrom = card.EffectiveFrom,
            Card = JsonSerializer.Serialize(card, RateCard.Json),
            UploadedByUserId = userId,
            UploadedAt = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new RateCardUploadResult(card, NotACard: false, []);
    }
}
