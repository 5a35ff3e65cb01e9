using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Runs <see cref="AutomationEventDispatcher"/> while the app runs: a cheap indexed look for pending events every
/// <see cref="AutomationOptions.EventPollInterval"/> (wall-clock time: it is how often to look, not business time), a
/// batch claimed only when there is one, and passes back to back while batches come full. Events are written by the
/// changes that raise them, anywhere in the platform; the poll is what finds them, also after a restart and when another
/// instance wrote them. A customer message or a failed send recorded here (published after its commit) wakes the pump at
/// once, so a flow answering a message does not wait for the next poll.
/// </summary>
public sealed class AutomationEventPump(
    IDbContextFactory<FlowsDbContext> dbs,
    AutomationEventDispatcher dispatcher,
    AutomationSignals signals,
    ConversationEvents events,
    IOptions<AutomationOptions> options,
    ILogger<AutomationEventPump> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var subscription = events.Subscribe(OnConversationEvent);
        do
        {
            try
            {
                while (await AnyPendingAsync(stoppingToken) && await dispatcher.DispatchBatchAsync(stoppingToken) > 0)
                {
                    signals.Done();
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Dispatching automation events failed; trying again at the next poll");
            }
        }
        while (await WaitAsync(stoppingToken));
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    private void OnConversationEvent(ConversationEvent conversationEvent)
    {
        if (conversationEvent is MessageRecorded { Direction: MessageDirection.Inbound } or MessageSendFailed && wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already: one pass finds every pending event.
            }
        }
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
