using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// One runner per broadcast: a run takes the broadcast's lease with a conditional update and renews it while it works.
/// A lease another instance let lapse is taken over. On SQLite the app is a single instance (scaling out needs SQL
/// Server), so a lease held by another instance id is a process that died — a restart takes it over at once instead of
/// waiting for it to lapse.
/// </summary>
public sealed class BroadcastLeases(IDbContextFactory<FlowsDbContext> dbs, BroadcastInstance instance, TimeProvider time, IOptions<BroadcastOptions> options)
{
    public async Task<BroadcastLease?> TryAcquireAsync(Guid broadcastId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guids.NewRandom();
        var until = now + options.Value.LeaseDuration;
        var me = instance.Id;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var takeOverOthers = db.Database.IsSqlite();
        var taken = await db.Broadcasts
            .Where(b => b.Id == broadcastId
                && (b.State == BroadcastState.Running || (b.State == BroadcastState.Scheduled && b.ScheduledAt <= now))
                && (b.LeaseToken == null || b.LeaseUntil < now || (takeOverOthers && b.LeaseInstance != me)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(b => b.LeaseToken, token)
                .SetProperty(b => b.LeaseInstance, me)
                .SetProperty(b => b.LeaseUntil, until), cancellationToken);
        return taken == 1 ? new BroadcastLease(broadcastId, token) : null;
    }

    /// <summary>Extends the lease to cover at least <paramref name="busyFor"/> from now.</summary>
    /// <returns>False when the lease was lost (taken over): the run must stop.</returns>
    public async Task<bool> RenewAsync(BroadcastLease lease, TimeSpan busyFor, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow().UtcDateTime + busyFor + options.Value.LeaseDuration;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Broadcasts.Where(b => b.Id == lease.BroadcastId && b.LeaseToken == lease.Token)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.LeaseUntil, until), cancellationToken) == 1;
    }

    public async Task ReleaseAsync(BroadcastLease lease, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.Broadcasts.Where(b => b.Id == lease.BroadcastId && b.LeaseToken == lease.Token)
            .ExecuteUpdateAsync(set => set
                .SetProperty(b => b.LeaseToken, (Guid?)null)
                .SetProperty(b => b.LeaseInstance, (string?)null)
                .SetProperty(b => b.LeaseUntil, (DateTime?)null), cancellationToken);
    }
}

public sealed record BroadcastLease(Guid BroadcastId, Guid Token);

/// <summary>This app instance, as lease holders are named: machine, process and a per-start id.</summary>
public sealed class BroadcastInstance
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guids.NewRandom():N}";
}
