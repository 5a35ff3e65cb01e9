using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Omnichannel.Flows.Platform.Jobs;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Wakes <see cref="AutomationEventPump"/> as soon as a change that raised automation events is committed — a customer
/// message, a tag an agent added, a failed send, anything that goes through <see cref="AutomationEventRaising"/> — so
/// flows answer at once instead of at the next poll. A save outside a transaction is committed when it returns; inside
/// one, when the transaction commits (a rolled-back one wakes nothing).
/// </summary>
internal sealed class AutomationEventsCommitted(AutomationEventSignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Raised = [];
    private static readonly object Marker = new();

    /// <summary>Called when <paramref name="db"/> is given an event to store.</summary>
    public static void RaisedIn(DbContext db) => Raised.AddOrUpdate(db, Marker);

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Saved(DbContext? db)
    {
        if (db is not null && db.Database.CurrentTransaction is null)
        {
            Committed(db);
        }
    }

    private void Committed(DbContext? db)
    {
        if (db is not null && Raised.Remove(db))
        {
            signal.Wake();
        }
    }

    private static void Forget(DbContext? db)
    {
        if (db is not null)
        {
            Raised.Remove(db);
        }
    }
}

/// <summary>Wakes <see cref="AutomationEventPump"/>.</summary>
public sealed class AutomationEventSignal : WakeSignal;
