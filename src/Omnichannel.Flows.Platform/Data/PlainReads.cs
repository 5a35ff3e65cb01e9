using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Reads every flow run makes (a contact and its tags, who handles its thread), as prepared statements on connections
/// kept open for them: EF's query pipeline and a context leased per read cost many times the statement itself, which
/// SQLite answers from its page cache (ADR 4). Statements are built from the EF model as <see cref="PreparedCommands"/>
/// builds them (portable SQL; each parameter takes its type mapping from a model property). Thread-safe: a read rents a
/// session (a context with its connection open and its statements prepared) and gives it back; each statement runs in
/// its own implicit transaction, so it sees what is committed when it runs.
/// </summary>
public sealed class PlainReads(IDbContextFactory<FlowsDbContext> dbs) : IDisposable
{
    /// <summary>How many idle sessions are kept; more are made while reads run at once, and closed when given back.</summary>
    private const int MaxIdle = 8;

    private readonly ConcurrentBag<Session> idle = [];
    private volatile bool disposed;
    private long executed;

    /// <summary>How many reads ran (tests see that a read took this way, which EF's interceptors do not).</summary>
    internal long Executed => Interlocked.Read(ref executed);

    /// <summary>
    /// Runs the query known by <paramref name="key"/>, built by <paramref name="build"/> the first time on each session
    /// (see <see cref="PreparedCommands.ExecuteAsync"/> for how its text names its parameters), and reads each row.
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(string key, Func<PreparedCommands, (string Text, IProperty[] Parameters)> build, object?[] values,
        Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        using var lease = Rent();
        var rows = await lease.Commands.QueryAsync(key, () => build(lease.Commands), values, read, cancellationToken);
        lease.Succeeded();
        return rows;
    }

    /// <summary><see cref="QueryAsync"/>, synchronously (a flow's facts are read inside a condition).</summary>
    public List<T> Query<T>(string key, Func<PreparedCommands, (string Text, IProperty[] Parameters)> build, object?[] values, Func<DbDataReader, T> read)
    {
        using var lease = Rent();
        var rows = lease.Commands.Query(key, () => build(lease.Commands), values, read);
        lease.Succeeded();
        return rows;
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    /// <summary>A session for one read: given back once the read succeeded, closed if it failed (its state is unknown).</summary>
    private Lease Rent()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Interlocked.Increment(ref executed);
        return new Lease(this, idle.TryTake(out var session) ? session : new Session(dbs.CreateDbContext()));
    }

    private void GiveBack(Session session)
    {
        if (disposed || idle.Count >= MaxIdle)
        {
            session.Dispose();
            return;
        }

        idle.Add(session);
        if (disposed && idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    private sealed class Lease(PlainReads reads, Session session) : IDisposable
    {
        private bool succeeded;

        public PreparedCommands Commands => session.Commands;

        public void Succeeded() => succeeded = true;

        public void Dispose()
        {
            if (succeeded)
            {
                reads.GiveBack(session);
            }
            else
            {
                session.Dispose();
            }
        }
    }

    private sealed class Session : IDisposable
    {
        private readonly FlowsDbContext db;

        public Session(FlowsDbContext db)
        {
            this.db = db;
            db.Database.OpenConnection();
            Commands = new PreparedCommands(db);
        }

        public PreparedCommands Commands { get; }

        public void Dispose()
        {
            Commands.Dispose();
            db.Dispose();
        }
    }
}
