using System.Buffers.Binary;
using Omnichannel.Flows.Engine;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class GuidsTests
{
    /// <summary>The variant field's two bits of RFC 9562 GUIDs (<see cref="Guid.Variant"/> is the nibble holding them).</summary>
    private const int RfcVariant = 0b10;

    [Fact]
    public void AVersion7Guid_CarriesItsMillisecond_ItsVersionAndVariant_AsTheRuntimesDoes()
    {
        var at = new DateTimeOffset(2026, 11, 28, 20, 45, 12, 345, TimeSpan.Zero);

        var ours = Guids.NewVersion7(at);
        var runtimes = Guid.CreateVersion7(at);

        Assert.Equal(7, ours.Version);
        Assert.Equal(RfcVariant, ours.Variant >> 2);
        Assert.Equal(RfcVariant, runtimes.Variant >> 2);
        Assert.Equal(Milliseconds(runtimes), Milliseconds(ours));
        Assert.Equal(at.ToUnixTimeMilliseconds(), Milliseconds(ours));
    }

    [Fact]
    public void Version7Guids_SortByTheirMillisecond()
    {
        var start = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 50).Select(i => Guids.NewVersion7(start.AddMilliseconds(i * 7))).ToList();

        Assert.Equal(ids, ids.OrderBy(id => id.ToString()));
    }

    [Fact]
    public void ARandomGuid_IsVersion4_WithTheRfcVariant()
    {
        var id = Guids.NewRandom();

        Assert.Equal(4, id.Version);
        Assert.Equal(RfcVariant, id.Variant >> 2);
    }

    [Fact]
    public void ManyGuids_OnSeveralThreads_PastManyRefills_AreAllDifferent()
    {
        const int PerThread = 20 * Guids.BufferSize / 10;
        var made = new Guid[4][];

        Parallel.For(0, made.Length, thread =>
        {
            made[thread] = [.. Enumerable.Range(0, PerThread).Select(i => i % 2 == 0 ? Guids.NewVersion7() : Guids.NewRandom())];
        });

        var all = made.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void TheRandomBits_AreNotARepeatingBuffer()
    {
        // Within one millisecond only the random bits differ: a buffer handed out twice would repeat them 256 ids apart.
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        var randomParts = Enumerable.Range(0, 3 * Guids.BufferSize / 10).Select(_ => RandomPart(Guids.NewVersion7(at))).ToList();

        Assert.Equal(randomParts.Count, randomParts.Distinct().Count());
        Assert.DoesNotContain(0UL, randomParts);
    }

    [Fact]
    public void TheTwelveBitsAfterTheVersion_AreRandomToo()
    {
        // RFC 9562's rand_a: with the runtime's GUIDs, 74 bits of one millisecond's ids are random, not 62.
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        var randA = Enumerable.Range(0, 64).Select(_ => RandA(Guids.NewVersion7(at))).ToHashSet();

        Assert.True(randA.Count > 32, $"rand_a took {randA.Count} values in 64 ids");
    }

    [Fact]
    public void FillRandom_FillsLongerSpansThanTheBufferHolds()
    {
        var bytes = new byte[Guids.BufferSize * 2];

        Guids.FillRandom(bytes);

        Assert.True(bytes.Count(b => b == 0) < bytes.Length / 64, "a span of mostly zeros was not filled");
    }

    [Fact]
    public void ATimestampBeforeTheUnixEpoch_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Guids.NewVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(-1)));

    private static long Milliseconds(Guid id) => BinaryPrimitives.ReadInt64BigEndian(id.ToByteArray(bigEndian: true)) >>> 16;

    private static int RandA(Guid id)
    {
        var bytes = id.ToByteArray(bigEndian: true);
        return ((bytes[6] & 0x0F) << 8) | bytes[7];
    }

    private static ulong RandomPart(Guid id) => BinaryPrimitives.ReadUInt64BigEndian(id.ToByteArray(bigEndian: true).AsSpan(8));
}
