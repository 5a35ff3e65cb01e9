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
/// </summary>
internal sealed class StepWritesInTurn(DatabaseWriteGate gate) : SaveChangesInterceptor
{
    private static readonly AsyncLocal<bool> InStep = new();
    private readonly ConditionalWeakTable<DbContext, IDisposable> turns = [];

    /// <summary>Saves made from here on in this async flow (a runner call) take their turn; dispose to stop.</summary>
    public static IDisposable Begin()
    {
        var before = InStep.Value;
        InStep.Value = true;
        return new Restore(before);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (InStep.Value && eventData.Context is { } db && db.Database.IsSqlite() && db.Database.CurrentTransaction is null)
        {
            turns.AddOrUpdate(db, await gate.EnterAsync(cancellationToken));
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    private void Release(DbContext? db)
    {
        if (db is not null && turns.TryGetValue(db, out var turn))
        {
            turns.Remove(db);
            turn.Dispose();
        }
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => InStep.Value = before;
    }
}
