using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Omnichannel.Flows.Engine;

/// <summary>
/// New GUIDs as <see cref="Guid.CreateVersion7()"/> and <see cref="Guid.NewGuid"/> make them, with their random bits
/// taken from a per-thread buffer of cryptographically secure bytes refilled <see cref="BufferSize"/> bytes at a time.
/// The runtime asks the kernel for 16 bytes for every GUID (one system call each); a flow run makes about ten ids
/// (instance, journal entries, message, event), and those calls were about 6 % of the app's CPU while a backlog drained.
/// The bytes are as unpredictable as the runtime's; each is used once and wiped from the buffer.
/// </summary>
public static class Guids
{
    /// <summary>How many random bytes one refill reads: enough for 256 random GUIDs, or 409 version 7 ones.</summary>
    internal const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? buffer;

    [ThreadStatic]
    private static int used;

    /// <summary>A version 7 GUID (RFC 9562) for now: a millisecond Unix timestamp, then random bits, as <see cref="Guid.CreateVersion7()"/>.</summary>
    public static Guid NewVersion7() => NewVersion7(DateTimeOffset.UtcNow);

    /// <summary>A version 7 GUID for <paramref name="timestamp"/> (at or after the Unix epoch).</summary>
    public static Guid NewVersion7(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        // After the timestamp, whose write zeroes bytes 6 and 7: twelve of their bits are random (rand_a).
        FillRandom(bytes[6..]);
        return Stamped(bytes, version: 7);
    }

    /// <summary>A version 4 GUID (all random but its version and variant), as <see cref="Guid.NewGuid"/>: for tokens and names.</summary>
    public static Guid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        FillRandom(bytes);
        return Stamped(bytes, version: 4);
    }

    /// <summary>The GUID of <paramref name="bytes"/> (big-endian) with RFC 9562's version nibble and variant bits set over them.</summary>
    private static Guid Stamped(Span<byte> bytes, int version)
    {
        bytes[6] = (byte)((version << 4) | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Fills <paramref name="destination"/> with cryptographically secure random bytes, from this thread's buffer.</summary>
    public static void FillRandom(Span<byte> destination)
    {
        if (destination.Length > BufferSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var pool = buffer ??= new byte[BufferSize];
        if (used == 0 || used + destination.Length > BufferSize)
        {
            RandomNumberGenerator.Fill(pool);
            used = 0;
        }

        var taken = pool.AsSpan(used, destination.Length);
        taken.CopyTo(destination);
        taken.Clear();
        used += destination.Length;
    }
}
