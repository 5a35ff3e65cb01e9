using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// On SQLite, the changes flow steps save (an assignment, a tag, a note…) take their turn at the
/// <see cref="DatabaseWriteGate"/> like webhook commits, inbound processing and the flow store: first come, first served.
/// Left to SQLite's busy handler, a step's save waits for a gap that back-to-back processing slices never leave, and runs
/// stall while a backlog of messages is processed. Applies to saves made during a runner call (<see cref="Begin"/>),
/// outside an explicit transaction (a transaction already holds the database's write lock).
/// <para>
/// Every such save commits without syncing the log in its turn (<see cref="DeferredLogSync"/>). Saves a step declares
/// redoable (<see cref="Redoable"/>: changes to the platform's own state, which the run does again if a power cut rolls
/// them back) leave the sync to the next synced commit, like the run's own steps. Every other save — a send's outbox row
/// above all, which must be on disk before the provider is called — flushes the log once its turn is passed on, before
/// the save returns (<see cref="DeferredLogSync.FlushLog"/>): durable as a synced commit, without the other writers
/// waiting out the disk.
/// </para>
/// </summary>
internal sealed class StepWritesInTurn(DatabaseWriteGate gate, DeferredLogSync deferredSync) : SaveChangesInterceptor
{
    private static readonly AsyncLocal<bool> InStep = new();
    private static readonly AsyncLocal<bool> InRedoableStep = new();
    private readonly ConditionalWeakTable<DbContext, SaveInTurn> turns = [];

    /// <summary>Saves made from here on in this async flow (a runner call) take their turn; dispose to stop.</summary>
    public static IDisposable Begin() => new Restore(InStep, true);

    /// <summary>
    /// Saves made from here on in this async flow (a step's body) only change the platform's own state — an assignment, a
    /// tag, a note, a field, a conversation's status — and nothing outside was told of them: a power cut that rolled one
    /// back would roll back the run's later record of the step too, and the run does the step again. Dispose to stop.
    /// Never around a send.
    /// </summary>
    public static IDisposable Redoable() => new Restore(InRedoableStep, true);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (InStep.Value && eventData.Context is { } db && db.Database.IsSqlite() && db.Database.CurrentTransaction is null)
        {
            var deferred = await deferredSync.BeginAsync(db, cancellationToken);
            try
            {
                turns.AddOrUpdate(db, new SaveInTurn(await gate.EnterAsync(cancellationToken), deferred, FlushAfter: !InRedoableStep.Value));
            }
            catch
            {
                await deferred.DisposeAsync();
                throw;
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await ReleaseAsync(eventData.Context, saved: true);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context, saved: false);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context, saved: false);

    private async Task ReleaseAsync(DbContext? db, bool saved)
    {
        if (db is not null && turns.TryGetValue(db, out var save))
        {
            turns.Remove(db);
            // The turn first: flushing the log and restoring how the connection syncs are no writes, and the writers
            // queued behind need not wait for them.
            save.Turn.Dispose();
            try
            {
                if (saved && save.FlushAfter)
                {
                    deferredSync.FlushLog(db);
                }
            }
            finally
            {
                await save.Deferred.DisposeAsync();
            }
        }
    }

    /// <param name="FlushAfter">Whether the save must be durable before it returns (it is not redoable).</param>
    private sealed record SaveInTurn(IDisposable Turn, IAsyncDisposable Deferred, bool FlushAfter);

    private sealed class Restore : IDisposable
    {
        private readonly AsyncLocal<bool> flag;
        private readonly bool before;

        public Restore(AsyncLocal<bool> flag, bool value)
        {
            this.flag = flag;
            before = flag.Value;
            flag.Value = value;
        }

        public void Dispose() => flag.Value = before;
    }
}
