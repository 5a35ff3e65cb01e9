using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class IsoDurationTests
{
    [Theory]
    [InlineData("PT24H", 24 * 60)]
    [InlineData("P1D", 24 * 60)]
    [InlineData("P1DT12H", 36 * 60)]
    [InlineData("PT90M", 90)]
    [InlineData("PT1H30M", 90)]
    [InlineData("P2W", 14 * 24 * 60)]
    [InlineData("PT0.5M", 0.5)]
    public void TryParse_IsoDuration_GivesItsLength(string text, double minutes)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("24h")]
    [InlineData("PT")]
    [InlineData("P")]
    [InlineData("PT24")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("PT1M1H")]
    [InlineData("PT1H1H")]
    [InlineData("P1DT")]
    [InlineData("P-1D")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAnIsoDuration_Fails(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.Contains("ISO 8601", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    public void TryParse_CalendarUnits_AreRefusedWithAReason(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.Contains("calendar", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P1DT2H30M")]
    [InlineData("PT24H")]
    [InlineData("PT0.5S")]
    public void Format_ParsedDuration_ParsesBackToTheSameLength(string text)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out _));

        Assert.True(IsoDuration.TryParse(IsoDuration.Format(duration), out var again, out _));
        Assert.Equal(duration, again);
    }
}
