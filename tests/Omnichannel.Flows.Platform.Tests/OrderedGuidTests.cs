using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests;

public sealed class OrderedGuidTests
{
    [Fact]
    public void IdsOfOneMillisecond_IncreaseInTheOrderTheyWereMade()
    {
        var now = DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var ids = Enumerable.Range(0, 5000).Select(_ => OrderedGuid.NewId(now)).ToList();

        // As text (how SQLite stores and sorts them) and as bytes, in creation order; never two alike.
        Assert.Equal(ids.Select(i => i.ToString()), ids.Select(i => i.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_AreVersion7WithTheRfcVariant_AndCarryTheirMillisecond()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(1);

        var id = OrderedGuid.NewId(now);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var milliseconds = Convert.ToInt64(id.ToString("N")[..12], 16);
        Assert.Equal(now.ToUnixTimeMilliseconds(), milliseconds);
    }

    [Fact]
    public void AClockThatGoesBack_NeverMakesASmallerId()
    {
        var first = OrderedGuid.NewId(DateTimeOffset.UtcNow.AddHours(1));

        var second = OrderedGuid.NewId(DateTimeOffset.UtcNow);

        Assert.True(string.CompareOrdinal(second.ToString(), first.ToString()) > 0);
    }
}
