using System.Buffers.Binary;
using Omnichannel.Flows.Engine;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Version 7 GUIDs that increase strictly within this process (RFC 9562, method 1: a 12-bit counter after the
/// millisecond). <see cref="Guids.NewVersion7()"/> fills those bits at random, so two ids of one millisecond sort
/// either way — for rows raised in one transaction (a contact's first message: contact created, then message
/// received) that order is the order they must be handled in.
/// </summary>
public static class OrderedGuid
{
    private static readonly Lock Gate = new();
    private static long lastMilliseconds;
    private static int counter;

    public static Guid NewId() => NewId(DateTimeOffset.UtcNow);

    public static Guid NewId(DateTimeOffset now)
    {
        long milliseconds;
        int sequence;
        lock (Gate)
        {
            milliseconds = Math.Max(now.ToUnixTimeMilliseconds(), lastMilliseconds);
            if (milliseconds == lastMilliseconds && ++counter > 0xFFF)
            {
                milliseconds++;
                counter = 0;
            }
            else if (milliseconds != lastMilliseconds)
            {
                counter = 0;
            }

            lastMilliseconds = milliseconds;
            sequence = counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        Guids.FillRandom(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        bytes[6] = (byte)(0x70 | (sequence >> 8));
        bytes[7] = (byte)sequence;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
