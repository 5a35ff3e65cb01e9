using System.Runtime.InteropServices;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Linux: flushes to disk every page written to the file system a file is on (<c>syncfs(2)</c>), through a descriptor
/// of its own. The way to flush the SQLite database file from outside SQLite: opening and closing a descriptor of the
/// database file itself would drop SQLite's locks on it (POSIX drops a process's locks on a file when any of its
/// descriptors for it closes), so this is given a file SQLite does not lock, the write-ahead log, on the same file system.
/// </summary>
internal static partial class FileSystemFlush
{
    /// <summary>Flushes the file system <paramref name="path"/> is on; false where that is not supported (not Linux).</summary>
    /// <exception cref="IOException">The flush failed.</exception>
    public static bool TryFlush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        if (SyncFileSystem(file.SafeFileHandle) != 0)
        {
            throw new IOException($"Flushing the file system of '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFileSystem(Microsoft.Win32.SafeHandles.SafeFileHandle file);
}
