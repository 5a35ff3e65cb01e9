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
        var session = Rent();
        Interlocked.Increment(ref executed);
        try
        {
            var rows = await session.Commands.QueryAsync(key, () => build(session.Commands), values, read, cancellationToken);
            GiveBack(session);
            return rows;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary><see cref="QueryAsync"/>, synchronously (a flow's facts are read inside a condition).</summary>
    public List<T> Query<T>(string key, Func<PreparedCommands, (string Text, IProperty[] Parameters)> build, object?[] values, Func<DbDataReader, T> read)
    {
        var session = Rent();
        Interlocked.Increment(ref executed);
        try
        {
            var rows = session.Commands.Query(key, () => build(session.Commands), values, read);
            GiveBack(session);
            return rows;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    private Session Rent()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return idle.TryTake(out var session) ? session : new Session(dbs.CreateDbContext());
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
