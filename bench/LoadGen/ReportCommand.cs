using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary><c>report</c>: the Markdown results file — targets, comparison, per-target tables, the store checks, the machine.</summary>
internal static class ReportCommand
{
    private const int TargetRate = 1000;
    private const double TargetRatio = 0.5;
    private const double TargetP99Ms = 50;

    public static async Task<int> ExecuteAsync(Arguments args)
    {
        var baseline = await JsonFiles.ReadAsync<TargetRun>(args.Required("baseline-run"));
        var baselineCheck = await JsonFiles.ReadAsync<StoreCheck>(args.Required("baseline-check"));
        var ours = await JsonFiles.ReadAsync<TargetRun>(args.Required("ours-run"));
        var oursCheck = await JsonFiles.ReadAsync<StoreCheck>(args.Required("ours-check"));

        var md = new Markdown();
        md.Line($"# Ingest benchmark — {baseline.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        md.Line();
        md.Line($"Command: `{args.Optional("command") ?? "bench/ingest.sh"}` · commit `{args.Optional("commit") ?? "unknown"}`");
        md.Line();
        md.Line("Signed WhatsApp Cloud API `messages` webhooks (each body unique, own `wamid`, " +
            $"{ours.Settings.Senders:N0} senders), open loop: requests leave at fixed intervals whatever the answers, latency " +
            "counts from each request's scheduled time. Same steps, same generator, same run, one target at a time.");
        md.Line();
        WriteVerdict(md, baseline, ours, oursCheck);
        WriteComparison(md, baseline, ours);
        WriteTarget(md, "Baseline — bare ASP.NET Core: HMAC check + one INSERT (one commit) per request", baseline, baselineCheck);
        WriteTarget(md, "Omnichannel.Flows — `POST /webhooks/whatsapp` (verify → store deduplicated, group commit → 200 → process in background)", ours, oursCheck);
        WriteMachine(md, args, baseline, ours);

        var output = args.Required("out");
        await File.WriteAllTextAsync(output, md.ToString());
        Console.WriteLine(md.ToString());
        return 0;
    }

    private static void WriteVerdict(Markdown md, TargetRun baseline, TargetRun ours, StoreCheck oursCheck)
    {
        var pairs = Pairs(baseline, ours).ToList();
        var ratios = pairs.Select(p => (p.Ours.OfferedRate, Ratio: Ratio(p.Ours, p.Baseline))).ToList();
        var worst = ratios.Count == 0 ? default : ratios.MinBy(r => r.Ratio);
        var peakRatio = Ratio(baseline.Steps.Max(s => s.AcceptedPerSecond), ours.Steps.Max(s => s.AcceptedPerSecond));
        var atTarget = ours.Steps.FirstOrDefault(s => s.OfferedRate == TargetRate);
        var p99 = atTarget?.AckLatencyMs?.P99;
        var clean = oursCheck.Lost == 0 && oursCheck.Duplicates == 0 && oursCheck.Drained;

        md.Line("## Targets");
        md.Line();
        md.Row("target", "result", "measured");
        md.Row("---", "---", "---");
        md.Row($"accepted req/s ≥ {TargetRatio}× the baseline's at every step", Verdict(ratios.Count > 0 && worst.Ratio >= TargetRatio),
            ratios.Count == 0 ? "no steps" : $"lowest {worst.Ratio:0.00}× at {worst.OfferedRate:N0} req/s offered; peak vs peak {peakRatio:0.00}×");
        md.Row($"ack p99 < {TargetP99Ms} ms at {TargetRate:N0} req/s", p99 is null ? "n/a" : Verdict(p99 < TargetP99Ms && atTarget!.Errors == 0),
            p99 is null ? $"no {TargetRate:N0} req/s step in this run" : $"p99 {p99:0.0} ms, {atTarget!.Errors} errors");
        md.Row("zero lost or duplicated messages", Verdict(clean),
            $"lost {oursCheck.Lost}, duplicated {oursCheck.Duplicates}" + (oursCheck.Drained ? "" : $", {oursCheck.PendingAtEnd} still pending"));
        md.Line();
    }

    private static void WriteComparison(Markdown md, TargetRun baseline, TargetRun ours)
    {
        md.Line("## Comparison");
        md.Line();
        md.Row("offered req/s", "baseline accepted req/s", "ours accepted req/s", "ours ÷ baseline", "baseline p99 ms", "ours p99 ms", "baseline errors", "ours errors");
        md.Row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
        foreach (var (b, o) in Pairs(baseline, ours))
        {
            md.Row(Number(o.OfferedRate), Rate(b.AcceptedPerSecond), Rate(o.AcceptedPerSecond), $"{Ratio(o, b):0.00}×",
                Ms(b.AckLatencyMs?.P99), Ms(o.AckLatencyMs?.P99), Number(b.Errors), Number(o.Errors));
        }

        md.Line();
    }

    private static void WriteTarget(Markdown md, string title, TargetRun run, StoreCheck check)
    {
        md.Line($"## {title}");
        md.Line();
        md.Row("step", "offered req/s", "sent", "accepted (2xx)", "accepted req/s", "rejected", "timeouts", "conn. errors", "shed", "p50 ms", "p90 ms", "p99 ms", "max ms", "sched. lag p99 ms", "server CPU ms/req");
        md.Row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
        foreach (var s in run.Steps.Prepend(run.Warmup))
        {
            var rejected = s.Rejected == 0 ? "0" : $"{s.Rejected} ({string.Join(", ", s.RejectedByStatus.Select(kv => $"{kv.Value}× {kv.Key}"))})";
            md.Row(s.Name, Number(s.OfferedRate), Number(s.Sent), Number(s.Accepted), Rate(s.AcceptedPerSecond), rejected,
                Number(s.Timeouts), Number(s.ConnectionErrors), Number(s.Shed),
                Ms(s.AckLatencyMs?.P50), Ms(s.AckLatencyMs?.P90), Ms(s.AckLatencyMs?.P99), Ms(s.AckLatencyMs?.Max), Ms(s.DispatchLagP99Ms),
                s.ServerCpuMsPerAccepted?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–");
        }

        md.Line();
        md.Line($"Store check ({(check.Kind == "ours" ? "`Messages` of channel WhatsApp, after processing drained" : "rows of `Deliveries`, message id read from the stored body")}):");
        md.Line();
        md.Line($"- accepted (2xx, warm-up included): {Number(check.Accepted)}; stored: {Number(check.StoredRows)} rows, {Number(check.DistinctStored)} distinct message ids");
        md.Line($"- **lost** (accepted, not stored): {check.Lost} · **duplicated**: {check.Duplicates}");
        md.Line($"- unanswered (timeout / connection error / 5xx): {Number(check.Uncertain)}, of which stored anyway: {Number(check.StoredFromUncertain)}; stored but never sent: {check.Unexpected}");
        if (run.ServerCpuSecondsAtStart is { } cpuStart && check.ServerCpuSecondsAtEnd is { } cpuEnd && check.Accepted > 0)
        {
            md.Line($"- server CPU for the whole run{(check.Kind == "ours" ? ", background processing until drained included" : "")}: " +
                $"{cpuEnd - cpuStart:0.0} s, {(cpuEnd - cpuStart) * 1000 / check.Accepted:0.00} ms per accepted webhook");
        }

        if (check.Kind == "ours")
        {
            md.Line($"- raw deliveries stored (`InboundEvents`): {Number(check.DeliveriesStored ?? 0)}; failed: {check.FailedDeliveries}; still pending: {check.PendingAtEnd}");
            md.Line($"- processing {(check.Drained ? "drained" : "had NOT drained")} {check.DrainSeconds:0.0} s after the last step ended; " +
                $"first delivery received → last processed: {check.ProcessingSeconds:0.0} s ({check.ProcessedPerSecond:0.0} messages/s overall)");
        }

        md.Line();
    }

    private static void WriteMachine(Markdown md, Arguments args, TargetRun baseline, TargetRun ours)
    {
        var s = ours.Settings;
        md.Line("## Machine and settings");
        md.Line();
        md.Line($"- {Environment.ProcessorCount} cores ({Machine.CpuModel()}), {Machine.Memory()} memory, {RuntimeInformation.OSDescription}");
        md.Line($"- .NET runtime {RuntimeInformation.FrameworkDescription}, SDK {args.Optional("sdk") ?? "unknown"}; all three programs built Release; the app ran as Production with warning-level logging");
        md.Line($"- generator, baseline and app share the same cores (and the machine with other work): " +
            $"baseline {baseline.ContentionBefore} → {baseline.ContentionAfter}; ours {ours.ContentionBefore} → {ours.ContentionAfter}");
        md.Line($"- steps {string.Join(", ", s.Rates.Select(Number))} req/s, {s.StepSeconds:0.#} s each, {s.PauseSeconds:0.#} s apart, after a {s.WarmupSeconds:0.#} s warm-up at {s.WarmupRate} req/s");
        md.Line($"- HTTP/1.1 keep-alive, up to {s.Connections} connections, in-flight cap {Number(s.MaxInFlight)} (beyond it a request is shed: not sent, counted as an error), timeout {s.TimeoutSeconds:0.#} s");
        md.Line("- accepted req/s = 2xx answers ÷ time from the step's first scheduled send to its last answer; latency percentiles are of the 2xx answers");
    }

    private static IEnumerable<(StepResult Baseline, StepResult Ours)> Pairs(TargetRun baseline, TargetRun ours) =>
        ours.Steps.Join(baseline.Steps, o => o.OfferedRate, b => b.OfferedRate, (o, b) => (b, o));

    private static double Ratio(StepResult ours, StepResult baseline) => Ratio(baseline.AcceptedPerSecond, ours.AcceptedPerSecond);

    private static double Ratio(double baseline, double ours) => baseline <= 0 ? 0 : ours / baseline;

    private static string Verdict(bool pass) => pass ? "**PASS**" : "**FAIL**";

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–";
}
