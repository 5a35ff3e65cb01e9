using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Broadcasts as marketers write them, shared by <see cref="BroadcastsApi"/> and the broadcast pages: list, read, create and
/// change drafts, preview an audience, and what a broadcast would cost.
/// </summary>
public sealed class BroadcastDrafts(
    FlowsDbContext db, BroadcastValidator validator, BroadcastEstimator estimator, RecipientPlanner planner, ConsentPolicy consent,
    BroadcastProgressQuery progress, TimeProvider time)
{
    public const int MaxPageSize = 100;

    public async Task<BroadcastOutcome<BroadcastPage>> ListAsync(int? page, int? pageSize, string? state, CancellationToken cancellationToken)
    {
        if (pageSize is < 1 or > MaxPageSize || page is < 1)
        {
            return BroadcastRefusal.Invalid(page is < 1 ? "page" : "pageSize", $"page starts at 1; pageSize is 1 to {MaxPageSize}.");
        }

        var query = db.Broadcasts.AsNoTracking();
        if (state is not null)
        {
            if (!EnumNames.TryParse<BroadcastState>(state, out var wanted))
            {
                return BroadcastRefusal.Invalid("state", "state is draft, scheduled, running, paused, completed or cancelled.");
            }

            query = query.Where(b => b.State == wanted);
        }

        var (number, size) = (page ?? 1, pageSize ?? 25);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Skip((number - 1) * size).Take(size)
            .Select(b => new BroadcastSummary(b.Id, b.Name, b.Purpose, b.State, b.RecipientCount, b.CreatedAt, b.ScheduledAt, b.StartedAt, b.CompletedAt))
            .ToListAsync(cancellationToken);
        return new BroadcastPage(items, total, number, size);
    }

    /// <summary>A page of broadcasts (all, or those in <paramref name="state"/>) with their definitions and progress, for the list page.</summary>
    public async Task<(IReadOnlyList<BroadcastView> Items, int Total)> ListViewsAsync(
        int page, int pageSize, BroadcastState? state, CancellationToken cancellationToken)
    {
        var query = db.Broadcasts.AsNoTracking();
        if (state is { } wanted)
        {
            query = query.Where(b => b.State == wanted);
        }

        var total = await query.CountAsync(cancellationToken);
        var broadcasts = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id)
            .Skip((Math.Max(page, 1) - 1) * pageSize).Take(Math.Clamp(pageSize, 1, MaxPageSize)).ToListAsync(cancellationToken);
        var views = new List<BroadcastView>(broadcasts.Count);
        foreach (var broadcast in broadcasts)
        {
            views.Add(await BroadcastView.FromAsync(broadcast, progress, cancellationToken));
        }

        return (views, total);
    }

    public async Task<BroadcastOutcome<BroadcastView>> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken) is { } broadcast
            ? await BroadcastView.FromAsync(broadcast, progress, cancellationToken)
            : BroadcastRefusal.NotFound("No such broadcast.");

    public async Task<BroadcastOutcome<BroadcastView>> CreateAsync(BroadcastRequest request, string? userId, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return BroadcastRefusal.Invalid(validation.Errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var broadcast = new Broadcast
        {
            Name = request.Name!.Trim(),
            Purpose = validation.Purpose,
            Definition = validation.Definition!.ToJson(),
            CreatedByUserId = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Broadcasts.Add(broadcast);
        await db.SaveChangesAsync(cancellationToken);
        return await BroadcastView.FromAsync(broadcast, progress, cancellationToken);
    }

    public async Task<BroadcastOutcome<BroadcastView>> UpdateAsync(Guid id, BroadcastRequest request, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return BroadcastRefusal.NotFound("No such broadcast.");
        }

        if (broadcast.State != BroadcastState.Draft)
        {
            return BroadcastRefusal.Conflict("Not a draft", $"The broadcast is {broadcast.State.ToString().ToLowerInvariant()}; only drafts can be changed.", "/state");
        }

        var validation = await validator.ValidateAsync(request, complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return BroadcastRefusal.Invalid(validation.Errors);
        }

        broadcast.Name = request.Name!.Trim();
        broadcast.Purpose = validation.Purpose;
        broadcast.Definition = validation.Definition!.ToJson();
        broadcast.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return await BroadcastView.FromAsync(broadcast, progress, cancellationToken);
    }

    /// <summary>The live size of an audience and a few of its customers, with the channel each would get (when channels are given).</summary>
    public async Task<BroadcastOutcome<AudiencePreview>> PreviewAsync(PreviewRequest request, CancellationToken cancellationToken)
    {
        if (request.SampleSize is < 1 or > 50)
        {
            return BroadcastRefusal.Invalid("/sampleSize", "sampleSize is 1 to 50.");
        }

        var validation = await validator.ValidateAsync(
            new BroadcastRequest("preview", request.Purpose, request.Audience, request.Channels, request.Content, null), complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return BroadcastRefusal.Invalid(validation.Errors);
        }

        var definition = validation.Definition!;
        var audience = AudienceQuery.Apply(db, definition.Audience);
        var count = await audience.CountAsync(cancellationToken);
        var sample = await audience.OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id).Take(request.SampleSize ?? 5)
            .Select(c => new { c.Id, c.DisplayName }).ToListAsync(cancellationToken);
        var plan = new BroadcastPlan("preview", validation.Purpose, definition, validation.Template, consent);
        var planned = definition.Channels.Count == 0 ? []
            : (await planner.PlanAsync(db, plan, [.. sample.Select(s => s.Id)], time.GetUtcNow().UtcDateTime, cancellationToken)).ToDictionary(p => p.ContactId);
        return new AudiencePreview(count, [.. sample.Select(s => planned.GetValueOrDefault(s.Id) is { } p
            ? new PreviewRecipient(s.Id, s.DisplayName, p.Channel, p.SkipReason, p.Content?.Text)
            : new PreviewRecipient(s.Id, s.DisplayName, null, null, null))]);
    }

    /// <summary>
    /// Who a broadcast being written would reach, per channel, and who it would skip and why — the whole live audience
    /// planned as the estimate plans it. The definition may be incomplete (a channel without content skips its customers).
    /// </summary>
    public async Task<BroadcastOutcome<BroadcastEstimate>> ReachAsync(BroadcastRequest request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request with { Name = "reach" }, complete: false, cancellationToken);
        return validation.IsValid
            ? await estimator.EstimateAsync(request.Name ?? "", validation.Purpose, validation.Definition!, validation.Template, cancellationToken)
            : BroadcastRefusal.Invalid(validation.Errors);
    }

    /// <summary>Cost before send: the total to confirm when scheduling, per category and market.</summary>
    public async Task<BroadcastOutcome<BroadcastEstimate>> EstimateAsync(Guid id, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return BroadcastRefusal.NotFound("No such broadcast.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        return validation.IsValid
            ? await estimator.EstimateAsync(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, cancellationToken)
            : BroadcastRefusal.Invalid(validation.Errors, BroadcastRefusal.CompleteFirst);
    }
}

public sealed record BroadcastPage(IReadOnlyList<BroadcastSummary> Items, int Total, int Page, int PageSize);

public sealed record AudiencePreview(int Count, IReadOnlyList<PreviewRecipient> Sample);
