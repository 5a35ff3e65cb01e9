using System.Data.Common;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>
/// SQLite's <c>PRAGMA synchronous</c>: the values tests compare with, and what a connection is set to. The web tests
/// compile this file in too.
/// </summary>
internal static class SyncModes
{
    public const long Normal = 1;
    public const long Full = 2;

    /// <summary>
    /// The setting of <paramref name="connection"/> (open), asked inside the transaction running on it: the command a
    /// SQLite connection creates is in its transaction already; <paramref name="transaction"/> names it otherwise.
    /// </summary>
    public static long Of(DbConnection connection, DbTransaction? transaction = null)
    {
        using var pragma = Pragma(connection, transaction);
        return (long)pragma.ExecuteScalar()!;
    }

    /// <summary><see cref="Of"/>, asynchronously.</summary>
    public static async Task<long> OfAsync(DbConnection connection, DbTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        await using var pragma = Pragma(connection, transaction);
        return (long)(await pragma.ExecuteScalarAsync(cancellationToken))!;
    }

    private static DbCommand Pragma(DbConnection connection, DbTransaction? transaction)
    {
        var pragma = connection.CreateCommand();
        if (transaction is not null)
        {
            pragma.Transaction = transaction;
        }

        pragma.CommandText = "PRAGMA synchronous;";
        return pragma;
    }
}
