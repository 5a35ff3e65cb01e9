using System.Globalization;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>One POST the counter received: when (unix ms), for which batch, with which idempotency key.</summary>
internal sealed record Arrival(long At, string Batch, string Key)
{
    /// <summary>The run id: the key is <c>instance:node:activation:attempt</c>.</summary>
    public string RunId
    {
        get
        {
            var end = Key.Length;
            for (var i = 0; i < 3 && end > 0; i++)
            {
                end = Key.LastIndexOf(':', end - 1);
            }

            return end > 0 ? Key[..end] : Key;
        }
    }

    public static List<Arrival> Read(string file) =>
        [.. File.ReadLines(file).Where(l => l.Length > 0).Select(l => l.Split('\t')).Where(p => p.Length == 3)
            .Select(p => new Arrival(long.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2]))];
}

/// <summary>What the counter saw of one batch.</summary>
internal sealed record BatchCheck(
    string Name, int Expected, int Arrivals, int DistinctKeys, int DistinctRuns, int RunsWithTwoKeys, int KeysDeliveredTwice,
    double First, double P50, double P99, double Max, double Last)
{
    public int Missing => Math.Max(0, Expected - DistinctRuns);

    public static BatchCheck Of(string name, int expected, long dueAt, IReadOnlyList<Arrival> all)
    {
        var mine = all.Where(a => a.Batch == name).ToList();
        var firstPerRun = mine.GroupBy(a => a.RunId).Select(g => (g.Min(a => a.At) - dueAt) / 1000.0).Order().ToList();
        return new BatchCheck(
            name, expected, mine.Count, mine.Select(a => a.Key).Distinct().Count(), firstPerRun.Count,
            mine.GroupBy(a => a.RunId).Count(g => g.Select(a => a.Key).Distinct().Count() > 1),
            mine.GroupBy(a => a.Key).Count(g => g.Count() > 1),
            firstPerRun.Count == 0 ? double.NaN : firstPerRun[0], Percentile(firstPerRun, 0.50), Percentile(firstPerRun, 0.99), firstPerRun.Count == 0 ? double.NaN : firstPerRun[^1],
            mine.Count == 0 ? double.NaN : (mine.Max(a => a.At) - dueAt) / 1000.0);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
