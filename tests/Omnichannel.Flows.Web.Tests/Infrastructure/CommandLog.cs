using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>The text of every command of any context, reads and writes, while <see cref="Record"/> is in force.</summary>
public sealed class CommandLog : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> recorded = new();
    private volatile bool recording;

    public IReadOnlyCollection<string> Recorded => recorded;

    /// <summary>Clears what was recorded and records until disposed.</summary>
    public IDisposable Record()
    {
        recorded.Clear();
        recording = true;
        return new Stop(this);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Log(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Log(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Log(command);
        return ValueTask.FromResult(result);
    }

    private void Log(DbCommand command)
    {
        if (recording)
        {
            recorded.Enqueue(command.CommandText);
        }
    }

    private sealed class Stop(CommandLog log) : IDisposable
    {
        public void Dispose() => log.recording = false;
    }
}
