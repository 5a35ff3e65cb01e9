using System.Data.Common;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>SQLite's <c>PRAGMA synchronous</c>: the values tests compare with, and what a connection is set to.</summary>
internal static class SyncModes
{
    public const long Normal = 1;
    public const long Full = 2;

    /// <summary>The setting of <paramref name="connection"/> (open), asked inside <paramref name="transaction"/> when one runs on it.</summary>
    public static async Task<long> OfAsync(DbConnection connection, DbTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        await using var pragma = connection.CreateCommand();
        pragma.Transaction = transaction;
        pragma.CommandText = "PRAGMA synchronous;";
        return (long)(await pragma.ExecuteScalarAsync(cancellationToken))!;
    }
}
