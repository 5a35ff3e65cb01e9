using System.Globalization;
using System.Text.Json;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>One send the fake Graph API accepted.</summary>
internal sealed record SendRecord(string To, string Callback, string Wamid, double At)
{
    public static async Task<List<SendRecord>> FetchAsync(HttpClient fake)
    {
        var csv = await fake.GetStringAsync("/records");
        return
        [
            .. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(',')).Select(p =>
                new SendRecord(p[0], p[1], p[2], double.Parse(p[3], CultureInfo.InvariantCulture))),
        ];
    }
}

/// <summary>The fake's per-second timeline and marks (<c>GET /stats?full=true</c>).</summary>
internal sealed record FakeTimeline(long Accepted, long Refused, IReadOnlyList<(long Second, int Accepted, int Refused)> Seconds, IReadOnlyDictionary<string, double> Marks)
{
    public static async Task<FakeTimeline> FetchAsync(HttpClient fake)
    {
        var stats = JsonDocument.Parse(await fake.GetStringAsync("/stats?full=true")).RootElement;
        return new FakeTimeline(
            stats.GetProperty("accepted").GetInt64(),
            stats.GetProperty("refused").GetInt64(),
            [.. stats.GetProperty("seconds").EnumerateArray().Select(s => (s.GetProperty("second").GetInt64(), s.GetProperty("accepted").GetInt32(), s.GetProperty("refused").GetInt32()))],
            stats.GetProperty("marks").EnumerateArray().ToDictionary(m => m.GetProperty("label").GetString()!, m => m.GetProperty("at").GetDouble()));
    }

    /// <summary>
    /// The steady part of a phase: its seconds from the first with an accepted send, without the first
    /// <paramref name="rampSeconds"/> (start-up) and the last one (cut by the kill or by the end of the audience).
    /// </summary>
    public IReadOnlyList<(long Second, int Accepted, int Refused)> Steady(double from, double to, int rampSeconds = 2)
    {
        var phase = Seconds.Where(s => s.Second >= from && s.Second + 1 <= to).ToList();
        var first = phase.FindIndex(s => s.Accepted > 0);
        var last = phase.FindLastIndex(s => s.Accepted > 0);
        return first < 0 || last - first < rampSeconds + 2 ? [] : phase[(first + rampSeconds)..last];
    }
}
