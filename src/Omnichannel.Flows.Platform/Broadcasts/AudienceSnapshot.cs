using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Turns a starting broadcast's audience into recipient rows, one per customer, a page per transaction: each planned
/// (<see cref="RecipientPlanner"/>) with its channel and content, or skipped with the reason. Identities derived from a
/// verified phone or email are stored with them. A snapshot cut short (crash, pause) continues with the customers not
/// snapshotted yet; the unique (broadcast, contact) index makes adding someone twice impossible.
/// </summary>
public sealed class AudienceSnapshot(BroadcastServices services, RecipientPlanner planner, ILogger<AudienceSnapshot> logger)
{
    /// <returns>True when the snapshot is complete; false when the broadcast stopped running (paused, cancelled, lease lost).</returns>
    public async Task<bool> TakeAsync(BroadcastRun run, CancellationToken cancellationToken)
    {
        var began = services.Time.GetTimestamp();
        List<Guid> remaining;
        await using (var db = await services.Dbs.CreateDbContextAsync(cancellationToken))
        {
            var audience = await AudienceQuery.Apply(db, run.Definition.Audience).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
            var done = (await db.BroadcastRecipients.Where(r => r.BroadcastId == run.BroadcastId).Select(r => r.ContactId)
                .ToListAsync(cancellationToken)).ToHashSet();
            remaining = [.. audience.Where(id => !done.Contains(id))];
        }

        foreach (var page in remaining.Chunk(services.Options.Value.SnapshotPageSize))
        {
            if (!await StillRunningAsync(run, cancellationToken))
            {
                return false;
            }

            await SnapshotPageAsync(run, page, cancellationToken);
        }

        var now = services.Time.GetUtcNow().UtcDateTime;
        await using (var db = await services.Dbs.CreateDbContextAsync(cancellationToken))
        {
            var count = await db.BroadcastRecipients.CountAsync(r => r.BroadcastId == run.BroadcastId, cancellationToken);
            await db.Broadcasts.Where(b => b.Id == run.BroadcastId && b.LeaseToken == run.Token)
                .ExecuteUpdateAsync(set => set.SetProperty(b => b.SnapshotCompletedAt, now).SetProperty(b => b.RecipientCount, count), cancellationToken);
            logger.LogInformation("Broadcast {BroadcastId}: audience snapshotted, {RecipientCount} recipients in {Elapsed}",
                run.BroadcastId, count, services.Time.GetElapsedTime(began));
        }

        services.Activity.Publish(run.BroadcastId);
        return true;
    }

    private async Task SnapshotPageAsync(BroadcastRun run, Guid[] page, CancellationToken cancellationToken)
    {
        await using var scope = services.Scopes.CreateAsyncScope();
        var plan = new BroadcastPlan(run.Broadcast.Name, run.Broadcast.Purpose, run.Definition, run.Template,
            scope.ServiceProvider.GetRequiredService<ConsentPolicy>());
        var now = services.Time.GetUtcNow().UtcDateTime;
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var planned = await planner.PlanAsync(db, plan, page, now, cancellationToken);
        db.ChannelIdentities.AddRange(planned.Where(p => p.Identity is { IsNew: true }).Select(p => new ChannelIdentity
        {
            Id = p.Identity!.Id,
            ContactId = p.ContactId,
            Channel = p.Channel!.Value,
            ExternalId = p.Identity.ExternalId,
            CreatedAt = now,
            LastSeenAt = now,
        }));
        db.BroadcastRecipients.AddRange(planned.Select(p => new BroadcastRecipient
        {
            BroadcastId = run.BroadcastId,
            ContactId = p.ContactId,
            Channel = p.Channel,
            ChannelIdentityId = p.Identity?.Id,
            TimeZone = p.TimeZone,
            State = p.SkipReason is null ? RecipientState.Pending : RecipientState.Skipped,
            SkipReason = p.SkipReason,
            Text = p.Content?.Text,
            Details = p.Content?.Details,
            EmailSubject = p.Content?.Subject,
        }));
        using var turn = await services.WriteGate.EnterAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<bool> StillRunningAsync(BroadcastRun run, CancellationToken cancellationToken)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        return await db.Broadcasts.AnyAsync(b => b.Id == run.BroadcastId && b.LeaseToken == run.Token && b.State == BroadcastState.Running, cancellationToken)
            && await services.Leases.RenewAsync(new BroadcastLease(run.BroadcastId, run.Token), TimeSpan.Zero, cancellationToken);
    }
}
