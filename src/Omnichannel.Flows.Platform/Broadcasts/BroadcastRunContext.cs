using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>What the lanes of one run share: the run, its lease, where answers are recorded, the limits it keeps.</summary>
internal sealed class BroadcastRunContext(
    BroadcastRun run, BroadcastLease lease, BroadcastServices services, SendOutcomeRecorder recorder, MessagingBudget budget, QuietZones quiet)
{
    private readonly SemaphoreSlim renewal = new(1, 1);
    private DateTime leaseCheckedAt = DateTime.MinValue;

    public BroadcastRun Run => run;
    public BroadcastOptions Options => services.Options.Value;
    public TimeProvider Time => services.Time;
    public BroadcastOutbox Outbox => services.Outbox;
    public ChannelRegistry Channels => services.Channels;
    public ServiceWindowPolicy Windows => services.Windows;
    public ConversationEvents Events => services.Events;
    public IServiceScopeFactory Scopes => services.Scopes;
    public SendOutcomeRecorder Recorder => recorder;
    public MessagingBudget Budget => budget;
    public QuietZones Quiet => quiet;
    public BroadcastCosts Costs { get; } = new(services.Costs, services.Time);
    public InFlightSends InFlight { get; } = new(services.Options.Value.MaxConcurrentSends);

    /// <summary>
    /// Between chunks: still running (not paused or cancelled), and still this run's (the lease is renewed when a third
    /// of it is used). False means stop claiming.
    /// </summary>
    public async Task<bool> StillRunningAsync(CancellationToken cancellationToken)
    {
        await using (var db = await services.Dbs.CreateDbContextAsync(cancellationToken))
        {
            var state = await db.Broadcasts.AsNoTracking().Where(b => b.Id == run.BroadcastId && b.LeaseToken == run.Token)
                .Select(b => (BroadcastState?)b.State).FirstOrDefaultAsync(cancellationToken);
            if (state != BroadcastState.Running)
            {
                return false;
            }
        }

        return await KeepLeaseAsync(TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Renews the lease when needed so it covers <paramref name="busyFor"/> more.</summary>
    public async Task<bool> KeepLeaseAsync(TimeSpan busyFor, CancellationToken cancellationToken)
    {
        await renewal.WaitAsync(cancellationToken);
        try
        {
            var now = Time.GetUtcNow().UtcDateTime;
            if (busyFor == TimeSpan.Zero && now - leaseCheckedAt < Options.LeaseDuration / 3)
            {
                return true;
            }

            leaseCheckedAt = now + busyFor;
            return await services.Leases.RenewAsync(lease, busyFor, cancellationToken);
        }
        finally
        {
            renewal.Release();
        }
    }
}
