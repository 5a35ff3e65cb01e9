using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// A SQLite database's write-ahead log as a file, for what the app does to it from outside SQLite (flushing it, or the
/// file system it is on). SQLite locks the log's shared-memory index, never the log file itself, so opening and closing
/// it here releases none of SQLite's locks. The database file is another matter: POSIX drops a process's locks on a file
/// when any of its descriptors for it closes, so the app never opens that one itself.
/// </summary>
internal static class SqliteLogFile
{
    /// <summary>Where the log of <paramref name="connection"/>'s database is (it exists while a connection is open).</summary>
    public static string PathOf(DbConnection connection) => ((SqliteConnection)connection).DataSource + "-wal";

    /// <summary>Opens the log at <paramref name="path"/> beside SQLite's own descriptors, unbuffered.</summary>
    public static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
}
