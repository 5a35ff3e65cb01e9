using Microsoft.EntityFrameworkCore;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// For purges: deletes rows a chunk at a time, each chunk one statement in its own turn at the
/// <see cref="DatabaseWriteGate"/>. One statement over a month of rows would hold SQLite's one write lock (and keep
/// webhook commits waiting) for as long as the whole delete takes.
/// </summary>
internal static class DeleteInTurns
{
    public const int ChunkSize = 2_000;

    /// <summary>Deletes the rows of <paramref name="expired"/>; returns how many went.</summary>
    /// <param name="expired">A query over one table, best one an index answers (it is run once per chunk).</param>
    public static async Task<int> DeleteInTurnsAsync<TRow>(
        this IQueryable<TRow> expired, FlowsDbContext db, DatabaseWriteGate gate, CancellationToken cancellationToken, int chunkSize = ChunkSize)
    {
        var total = 0;
        while (true)
        {
            int deleted;
            using (await gate.EnterAsync(db, cancellationToken))
            {
                deleted = await expired.Take(chunkSize).ExecuteDeleteAsync(cancellationToken);
            }

            total += deleted;
            if (deleted < chunkSize)
            {
                return total;
            }
        }
    }
}
