namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>One rate step of one target, as measured by the generator.</summary>
/// <param name="AcceptedPerSecond">2xx answers ÷ the time from the step's first scheduled send to its last answer.</param>
/// <param name="AckLatencyMs">Of the 2xx answers, measured from each request's scheduled send time.</param>
/// <param name="ServerCpuSeconds">CPU time (user + system) the target process used from the step's start to its last answer.</param>
/// <param name="Shed">Not sent: the generator's in-flight cap was reached (the target had fallen that far behind).</param>
internal sealed record StepResult(
    string Name,
    int OfferedRate,
    double Seconds,
    int Scheduled,
    int Sent,
    int Accepted,
    double AcceptedPerSecond,
    int Rejected,
    Dictionary<string, int> RejectedByStatus,
    int Timeouts,
    int ConnectionErrors,
    int Shed,
    LatencySummary? AckLatencyMs,
    double DispatchLagP99Ms,
    double DispatchLagMaxMs,
    double? ServerCpuSeconds = null)
{
    public int Errors => Rejected + Timeouts + ConnectionErrors + Shed;

    /// <summary>CPU the target process used during the step per accepted request (its background work included).</summary>
    public double? ServerCpuMsPerAccepted => ServerCpuSeconds is { } cpu && Accepted > 0 ? Math.Round(cpu * 1000 / Accepted, 3) : null;
}

internal sealed record LatencySummary(double P50, double P90, double P99, double Max, double Mean)
{
    public static LatencySummary? Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return new LatencySummary(At(values, 0.50), At(values, 0.90), At(values, 0.99), values[^1], values.Average());
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double At(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
