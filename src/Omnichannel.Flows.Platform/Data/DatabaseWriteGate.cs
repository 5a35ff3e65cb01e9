using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// The app's background writers take turns here, first come first served: webhook group commits
/// (<see cref="Channels.Ingest.InboundEventWriter"/>), inbound processing slices, broadcast outcomes, the flow store's
/// group commits, automation event and timer claims, and flow steps' saves. On SQLite they would otherwise meet in the
/// database's single write lock, where a writer that finds it taken sleeps in the busy handler and loses to whoever
/// takes it back to back (Microsoft.Data.Sqlite alone would even retry in 150 ms steps). Queued here, a commit waits at
/// most for the turns ahead of it.
/// <para>
/// On SQLite this lane bounds how fast a backlog drains: it is held 80–90 % of the time then (bench/README.md). How long
/// each writer waits for its turn and holds it is measured (<see cref="FlowsTelemetry.WriteTurnWait"/>,
/// <see cref="FlowsTelemetry.WriteTurnHeld"/>), tagged with the writer: the class and method that entered.
/// </para>
/// </summary>
public sealed class DatabaseWriteGate
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private long webhookTurns;
    private int webhooksWaiting;

    /// <summary>How many turns webhook commits have taken so far; the processor paces itself when it grows.</summary>
    public long WebhookTurns => Interlocked.Read(ref webhookTurns);

    /// <summary>Whether a webhook commit is waiting for its turn now (the processor ends its slice sooner).</summary>
    public bool WebhookWaiting => Volatile.Read(ref webhooksWaiting) > 0;

    /// <summary>Waits for this writer's turn; dispose the result to pass the turn on.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="file">The writer's source file (filled in by the compiler: the metrics name the writer by it).</param>
    /// <param name="member">The writer's method (filled in by the compiler).</param>
    public async Task<IDisposable> EnterAsync(
        CancellationToken cancellationToken, [CallerFilePath] string file = "", [CallerMemberName] string member = "")
    {
        var waiting = Stopwatch.GetTimestamp();
        await turn.WaitAsync(cancellationToken);
        return new Turn(turn, file, member, waiting);
    }

    /// <summary>
    /// Opens <paramref name="db"/>'s connection, then waits for this writer's turn: opening is work that need not hold up
    /// the writers queued behind. The connection stays open until the context is disposed.
    /// </summary>
    public async Task<IDisposable> EnterAsync(
        DbContext db, CancellationToken cancellationToken, [CallerFilePath] string file = "", [CallerMemberName] string member = "")
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return await EnterAsync(cancellationToken, file, member);
    }

    /// <summary>A webhook commit's turn (counted, so background processing can give way while webhooks arrive).</summary>
    public async Task<IDisposable> EnterForWebhooksAsync(
        CancellationToken cancellationToken, [CallerFilePath] string file = "", [CallerMemberName] string member = "")
    {
        Interlocked.Increment(ref webhooksWaiting);
        IDisposable entered;
        try
        {
            entered = await EnterAsync(cancellationToken, file, member);
        }
        finally
        {
            Interlocked.Decrement(ref webhooksWaiting);
        }

        Interlocked.Increment(ref webhookTurns);
        return entered;
    }

    /// <summary>A writer's turn; its wait and hold are recorded when it is passed on, if anyone listens.</summary>
    private sealed class Turn(SemaphoreSlim turn, string file, string member, long waiting) : IDisposable
    {
        private readonly long entered = Stopwatch.GetTimestamp();
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0)
            {
                return;
            }

            var passedOn = Stopwatch.GetTimestamp();
            turn.Release();
            FlowsTelemetry.WriteTurnTaken(file, member, Stopwatch.GetElapsedTime(waiting, entered), Stopwatch.GetElapsedTime(entered, passedOn));
        }
    }
}
