using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Runs <see cref="AutomationEventDispatcher"/> while the app runs: a cheap indexed look for pending events every
/// <see cref="AutomationOptions.EventPollInterval"/> (wall-clock time: it is how often to look, not business time), a
/// batch claimed only when there is one, and passes back to back while batches come full. Events are written by the
/// changes that raise them, anywhere in the platform; the poll is what finds them after a restart and when another
/// instance wrote them. Here, every commit that raised events wakes the pump at once (<see cref="AutomationEventsCommitted"/>),
/// so a flow answering a message or a tag does not wait for the next poll.
/// </summary>
public sealed class AutomationEventPump(
    IDbContextFactory<FlowsDbContext> dbs,
    AutomationEventDispatcher dispatcher,
    AutomationSignals signals,
    AutomationEventSignal wake,
    IOptions<AutomationOptions> options,
    ILogger<AutomationEventPump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        do
        {
            try
            {
                // Until nothing is pending that can be claimed now (what another pass leased waits for its lease).
                while (await AnyPendingAsync(stoppingToken))
                {
                    if (await dispatcher.DispatchPendingAsync(signals.Done, stoppingToken) == 0)
                    {
                        break;
                    }
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Dispatching automation events failed; trying again at the next poll");
            }
        }
        while (await WaitAsync(stoppingToken));
    }

    private async Task<bool> AnyPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.AutomationEvents.AnyAsync(e => e.State == AutomationEventState.Pending, cancellationToken);
    }

    /// <summary>Until the poll interval passes or a change wakes the pump; false when the app stops.</summary>
    private async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
        try
        {
            await wake.WaitAsync(options.Value.EventPollInterval, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
