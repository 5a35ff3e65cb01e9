using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>
/// Runs an armed action once, just before the next transaction of any context begins: for the processor's together
/// slice, that is after it read and recorded, when it has its write turn and is about to save.
/// </summary>
public sealed class BeforeNextTransaction : DbTransactionInterceptor
{
    private Func<Task>? armed;

    public bool IsArmed => Volatile.Read(ref armed) is not null;

    public void Arm(Func<Task> action) => Volatile.Write(ref armed, action);

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref armed, null) is { } action)
        {
            await action();
        }

        return result;
    }
}
