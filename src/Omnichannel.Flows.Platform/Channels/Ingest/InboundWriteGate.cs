namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// Makes the ingest path's two writers take turns: <see cref="InboundEventWriter"/>'s group commits and
/// <see cref="InboundEventProcessor"/>'s transactions enter one at a time, first come first served. On SQLite they would
/// otherwise meet in the database's single write lock, where Microsoft.Data.Sqlite answers "busy" by blocking the
/// thread for 150 ms before each retry — a webhook waiting for its commit then waits in 150 ms steps. Queued here, a
/// commit waits at most for the one processing transaction ahead of it.
/// </summary>
public sealed class InboundWriteGate
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private long webhookTurns;

    /// <summary>How many turns webhook commits have taken so far; the processor paces itself when it grows.</summary>
    public long WebhookTurns => Interlocked.Read(ref webhookTurns);

    /// <summary>Waits for this writer's turn; dispose the result to pass the turn on.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        return new Turn(turn);
    }

    /// <summary>A webhook commit's turn (counted, so background processing can give way while webhooks arrive).</summary>
    public async Task<IDisposable> EnterForWebhooksAsync(CancellationToken cancellationToken)
    {
        var entered = await EnterAsync(cancellationToken);
        Interlocked.Increment(ref webhookTurns);
        return entered;
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
