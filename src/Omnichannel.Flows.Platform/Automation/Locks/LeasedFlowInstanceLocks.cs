using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Locks;

/// <summary>Who holds a run's lock across app instances, until when (see <see cref="LeasedFlowInstanceLocks"/>).</summary>
public sealed class FlowInstanceLease
{
    public required string InstanceId { get; init; }
    public Guid Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>
/// The engine's per-run lock across app instances sharing one database: a lease row per run, taken by an insert or
/// by a conditional update of an expired lease, renewed while held and deleted on release. A holder that died lets
/// go when its lease runs out (<see cref="AutomationOptions.LockLease"/>). Waiters in one process queue on an
/// in-process lock first, so only one of them polls the database.
/// </summary>
public sealed class LeasedFlowInstanceLocks(
    IDbContextFactory<FlowsDbContext> dbs, TimeProvider time, IOptions<AutomationOptions> options, ILogger<LeasedFlowInstanceLocks> logger)
    : IFlowInstanceLocks
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(500);
    private readonly LocalFlowInstanceLocks local = new();
    private readonly Guid owner = Guids.NewRandom();

    public async ValueTask<IAsyncDisposable> AcquireAsync(string instanceId, CancellationToken cancellationToken)
    {
        var inProcess = await local.AcquireAsync(instanceId, cancellationToken);
        try
        {
            var poll = TimeSpan.FromMilliseconds(10);
            while (!await TryTakeAsync(instanceId, cancellationToken))
            {
                await Task.Delay(poll, cancellationToken);
                poll = poll * 2 < MaxPoll ? poll * 2 : MaxPoll;
            }

            return new Held(this, instanceId, inProcess);
        }
        catch
        {
            await inProcess.DisposeAsync();
            throw;
        }
    }

    private async Task<bool> TryTakeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + options.Value.LockLease;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var taken = await db.FlowInstanceLeases
            .Where(l => l.InstanceId == instanceId && (l.ExpiresAt < now || l.Owner == owner))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (taken > 0)
        {
            return true;
        }

        db.FlowInstanceLeases.Add(new FlowInstanceLease { InstanceId = instanceId, Owner = owner, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another instance holds it
        }
    }

    /// <summary>Renews the lease every third of its length while held.</summary>
    private ITimer StartRenewal(string instanceId)
    {
        var every = options.Value.LockLease / 3;
        return time.CreateTimer(_ => _ = RenewAsync(instanceId), null, every, every);
    }

    private async Task RenewAsync(string instanceId)
    {
        try
        {
            var until = time.GetUtcNow().UtcDateTime + options.Value.LockLease;
            await using var db = await dbs.CreateDbContextAsync();
            await db.FlowInstanceLeases.Where(l => l.InstanceId == instanceId && l.Owner == owner)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiresAt, until));
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Renewing the lock of flow run {InstanceId} failed", instanceId);
        }
    }

    private async Task ReleaseAsync(string instanceId)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await db.FlowInstanceLeases.Where(l => l.InstanceId == instanceId && l.Owner == owner).ExecuteDeleteAsync();
    }

    private sealed class Held : IAsyncDisposable
    {
        private readonly LeasedFlowInstanceLocks locks;
        private readonly string instanceId;
        private readonly IAsyncDisposable inProcess;
        private readonly ITimer renewal;

        public Held(LeasedFlowInstanceLocks locks, string instanceId, IAsyncDisposable inProcess)
        {
            this.locks = locks;
            this.instanceId = instanceId;
            this.inProcess = inProcess;
            renewal = locks.StartRenewal(instanceId);
        }

        public async ValueTask DisposeAsync()
        {
            await renewal.DisposeAsync();
            try
            {
                await locks.ReleaseAsync(instanceId);
            }
            finally
            {
                await inProcess.DisposeAsync();
            }
        }
    }
}

internal sealed class FlowInstanceLeaseConfiguration : IEntityTypeConfiguration<FlowInstanceLease>
{
    public void Configure(EntityTypeBuilder<FlowInstanceLease> builder)
    {
        builder.ToTable("FlowInstanceLeases");
        builder.HasKey(l => l.InstanceId);
        builder.Property(l => l.InstanceId).HasMaxLength(64);
    }
}
