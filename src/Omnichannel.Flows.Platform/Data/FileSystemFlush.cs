using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Linux: flushes to disk every page written to the file system a file is on (<c>syncfs(2)</c>), through any open
/// descriptor on it. The way to flush the SQLite database file from outside SQLite, given the log's descriptor
/// (<see cref="SqliteLogFile"/>): the database file's own must not be opened and closed.
/// </summary>
internal static partial class FileSystemFlush
{
    /// <summary>Whether <see cref="Flush"/> works here (Linux only).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Flushes the file system <paramref name="file"/> is on.</summary>
    /// <exception cref="IOException">The flush failed.</exception>
    public static void Flush(FileStream file)
    {
        if (SyncFileSystem(file.SafeFileHandle) != 0)
        {
            throw new IOException($"Flushing the file system of '{file.Name}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFileSystem(SafeFileHandle file);
}
