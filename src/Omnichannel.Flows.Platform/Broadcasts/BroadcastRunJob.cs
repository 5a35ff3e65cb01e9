using Hangfire;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The Hangfire job that runs a broadcast. Thin and safe to run twice: it takes the broadcast's lease or, when another
/// run holds it, does nothing.
/// </summary>
public sealed class BroadcastRunJob(BroadcastLeases leases, BroadcastRunner runner)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Broadcast {0}")]
    public async Task RunAsync(Guid broadcastId, CancellationToken cancellationToken)
    {
        if (await leases.TryAcquireAsync(broadcastId, cancellationToken) is not { } lease)
        {
            return;
        }

        try
        {
            await runner.RunAsync(lease, cancellationToken);
        }
        finally
        {
            await leases.ReleaseAsync(lease, CancellationToken.None);
        }
    }
}
