using System.Globalization;
using System.Text;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// ISO 8601 durations as flows write them: <c>PT24H</c>, <c>P1D</c>, <c>P1DT12H</c>, <c>PT90M</c>, <c>PT0.5S</c>,
/// <c>P2W</c>. Years and months are refused: their length depends on the calendar, so "wait P1M" would be a guess.
/// </summary>
public static class IsoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        if (text is null || text.Length < 3 || text[0] != 'P')
        {
            return Invalid(text, out error);
        }

        var inTime = false;
        var start = 1;
        var lastRank = 0;
        double ticks = 0;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c) || c == '.')
            {
                continue;
            }

            if (c == 'T')
            {
                if (inTime || i != start || i == text.Length - 1)
                {
                    return Invalid(text, out error);
                }

                inTime = true;
                start = i + 1;
                continue;
            }

            if (!inTime && c is 'Y' or 'M')
            {
                error = $"'{text}' uses years or months, whose length depends on the calendar; use days (P30D) instead.";
                return false;
            }

            var (rank, unit) = (c, inTime) switch
            {
                ('W', false) => (1, TimeSpan.TicksPerDay * 7),
                ('D', false) => (2, TimeSpan.TicksPerDay),
                ('H', true) => (3, TimeSpan.TicksPerHour),
                ('M', true) => (4, TimeSpan.TicksPerMinute),
                ('S', true) => (5, TimeSpan.TicksPerSecond),
                _ => (0, 0L),
            };
            if (rank <= lastRank || i == start
                || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return Invalid(text, out error);
            }

            lastRank = rank;
            ticks += amount * unit;
            start = i + 1;
        }

        if (start != text.Length || ticks >= TimeSpan.MaxValue.Ticks)
        {
            return Invalid(text, out error);
        }

        duration = TimeSpan.FromTicks((long)ticks);
        error = null;
        return true;
    }

    /// <summary>Formats as days and time (<c>P1DT2H30M</c>); <c>PT0S</c> for zero.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "PT0S";
        }

        var text = new StringBuilder("P");
        if (duration.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{duration.Days}D");
        }

        if (duration.Ticks % TimeSpan.TicksPerDay != 0)
        {
            text.Append('T');
            AppendPart(text, duration.Hours, 'H');
            AppendPart(text, duration.Minutes, 'M');
            AppendPart(text, duration.Ticks % TimeSpan.TicksPerMinute / (double)TimeSpan.TicksPerSecond, 'S');
        }

        return text.ToString();
    }

    private static void AppendPart(StringBuilder text, double amount, char unit)
    {
        if (amount > 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    private static bool Invalid(string? text, out string error)
    {
        error = $"'{text}' is not an ISO 8601 duration (e.g. PT24H, P1D, PT30M).";
        return false;
    }
}
