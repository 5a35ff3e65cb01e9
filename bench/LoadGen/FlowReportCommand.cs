using System.Globalization;
using System.Runtime.InteropServices;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>
/// <c>flow-report</c>: the flow-execution benchmark's results file — Node-RED and the app under the same open-loop
/// steps, the app's completed (persisted) runs per second against Node-RED's accepted rate, and the drain timeline.
/// </summary>
internal static class FlowReportCommand
{
    public static async Task<int> ExecuteAsync(Arguments args)
    {
        var nodeRed = await JsonFiles.ReadAsync<TargetRun>(args.Required("nodered-run"));
        var ours = await JsonFiles.ReadAsync<TargetRun>(args.Required("ours-run"));
        var check = await JsonFiles.ReadAsync<FlowCheck>(args.Required("ours-check"));
        var md = new Markdown();
        md.Line($"# Flow executions/s — Node-RED vs Omnichannel.Flows — {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        md.Line();
        md.Line($"Command: `{args.Required("command")}` · commit `{args.Required("commit")}`");
        md.Line();
        md.Line("Reference flow: inbound message → is the contact tagged `vip`? → assignee VIP / Support → (timestamp) → done. " +
            "The same generator (`bench/LoadGen`, open loop, unique signed WhatsApp Cloud API webhooks) drives both targets, one after the other, on 127.0.0.1.");
        md.Line();
        var nodeRedPeak = nodeRed.Steps.Max(s => s.AcceptedPerSecond);
        WriteVerdict(md, nodeRedPeak, ours, check);
        WriteComparison(md, nodeRed, ours);
        WriteSteps(md, "Node-RED 5 — http in → switch (JSONata) → change → function → http response (persists nothing)", nodeRed);
        WriteSteps(md, "Omnichannel.Flows — `POST /webhooks/whatsapp` → stored → background: message, automation event, flow run (persisted)", ours);
        WriteRuns(md, ours, check);
        WriteMachine(md, args, nodeRed, ours);
        await File.WriteAllTextAsync(args.Required("out"), md.ToString());
        return 0;
    }

    private static void WriteVerdict(Markdown md, double nodeRedPeak, TargetRun ours, FlowCheck check)
    {
        // Node-RED's figure is its best step, saturated; ours is the rate the pipeline keeps while a backlog waits. When
        // nothing was left to drain the app kept up with everything offered, and the whole run's rate is all there is.
        var runsPerSecond = check.SustainedRunsPerSecond ?? check.RunsPerSecond ?? 0;
        var exact = check.AcceptedWithOneRun == check.Accepted && check.RunsNotFromAccepted == 0 && check.Drained;
        var loadSeconds = (ours.FinishedAt - ours.StartedAt).TotalSeconds;
        md.Line("## Targets");
        md.Line();
        md.Row("target", "result", "measured");
        md.Row("---", "---", "---");
        md.Row("completed runs/s ≥ Node-RED's req/s (every run persisted)", Verdict(runsPerSecond >= nodeRedPeak),
            (check.SustainedRunsPerSecond is null
                ? $"ours kept up with the load: {Rate(runsPerSecond)} runs/s over the whole run"
                : $"ours {Rate(runsPerSecond)} runs/s sustained ({Number(check.RunsAfterLoad)} runs finished in the {check.AfterLoadSeconds?.ToString("0.0", CultureInfo.InvariantCulture)} s after the load)") +
            $" ÷ Node-RED {Rate(nodeRedPeak)} req/s (its best step) = {Ratio(nodeRedPeak, runsPerSecond):0.000}×");
        md.Row("goal: 2× Node-RED", Verdict(runsPerSecond >= 2 * nodeRedPeak), $"{Ratio(2 * nodeRedPeak, runsPerSecond):0.000} of the goal");
        md.Row("every accepted webhook → exactly one finished run", Verdict(exact),
            $"{Number(check.AcceptedWithOneRun)} of {Number(check.Accepted)} accepted with one run; none {Number(check.AcceptedWithoutRun)}, several {Number(check.AcceptedWithSeveralRuns)}; " +
            $"runs from unanswered requests {Number(check.RunsNotFromAccepted)}{(check.Drained ? "" : "; NOT drained")}");
        md.Row("(for reference) completed runs/s, first request → last run", "–",
            $"{Rate(check.RunsPerSecond ?? 0)} runs/s; the offered schedule caps this figure at {Rate(check.Accepted / loadSeconds)} " +
            $"({Number(check.Accepted)} accepted ÷ the load's {loadSeconds:0} s), whatever the engine's speed");
        md.Row("(for reference) ours accepted req/s vs Node-RED, best step each", "–",
            $"{Rate(ours.Steps.Max(s => s.AcceptedPerSecond))} vs {Rate(nodeRedPeak)} req/s: the webhook only stores the delivery; the run happens later");
        md.Line();
    }

    private static void WriteComparison(Markdown md, TargetRun nodeRed, TargetRun ours)
    {
        md.Line("## Side by side, per step (acknowledged requests)");
        md.Line();
        md.Row("offered req/s", "Node-RED accepted req/s", "ours accepted req/s", "ours ÷ Node-RED", "Node-RED p99 ms", "ours p99 ms", "Node-RED errors", "ours errors");
        md.Row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
        foreach (var (n, o) in ours.Steps.Join(nodeRed.Steps, o => o.OfferedRate, n => n.OfferedRate, (o, n) => (n, o)))
        {
            md.Row(Number(o.OfferedRate), Rate(n.AcceptedPerSecond), Rate(o.AcceptedPerSecond), $"{Ratio(n.AcceptedPerSecond, o.AcceptedPerSecond):0.00}×",
                Ms(n.AckLatencyMs?.P99), Ms(o.AckLatencyMs?.P99), Number(n.Errors), Number(o.Errors));
        }

        md.Line();
    }

    private static void WriteSteps(Markdown md, string title, TargetRun run)
    {
        md.Line($"## {title}");
        md.Line();
        md.Row("step", "offered req/s", "sent", "accepted (2xx)", "accepted req/s", "rejected", "timeouts", "conn. errors", "shed", "p50 ms", "p90 ms", "p99 ms", "max ms", "sched. lag p99 ms", "server CPU ms/req");
        md.Row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
        foreach (var s in run.Steps.Prepend(run.Warmup))
        {
            md.Row(s.Name, Number(s.OfferedRate), Number(s.Sent), Number(s.Accepted), Rate(s.AcceptedPerSecond), Number(s.Rejected),
                Number(s.Timeouts), Number(s.ConnectionErrors), Number(s.Shed),
                Ms(s.AckLatencyMs?.P50), Ms(s.AckLatencyMs?.P90), Ms(s.AckLatencyMs?.P99), Ms(s.AckLatencyMs?.Max), Ms(s.DispatchLagP99Ms),
                s.ServerCpuMsPerAccepted?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–");
        }

        md.Line();
        md.Line($"Machine before → after this target: {run.ContentionBefore} → {run.ContentionAfter}. " +
            "Server CPU per request is the target process's CPU time during the step ÷ its 2xx answers (for ours it includes whatever background work ran meanwhile).");
        md.Line();
    }

    private static void WriteRuns(Markdown md, TargetRun ours, FlowCheck check)
    {
        md.Line("## Ours: runs in the database after the load");
        md.Line();
        md.Line($"- accepted webhooks (2xx, warm-up included): {Number(check.Accepted)}; unanswered (timeout / connection error / shed / 5xx): {Number(check.Uncertain)}");
        md.Line($"- runs of `{check.FlowId}` in `FlowInstances`: finished {Number(check.FinishedRuns)}, faulted {Number(check.FaultedRuns)}, other {Number(check.OtherRuns)}; " +
            $"`FlowJournal` rows of those runs: {Number(check.JournalRows)}; automation events failed: {check.FailedAutomationEvents}; deliveries failed: {check.FailedDeliveries}");
        md.Line($"- per accepted webhook (run → trigger event → message → `wamid`): exactly one finished run {Number(check.AcceptedWithOneRun)}, none {Number(check.AcceptedWithoutRun)}, several {Number(check.AcceptedWithSeveralRuns)}");
        md.Line($"- first request {check.FirstRequestAt:HH:mm:ss} UTC → last run finished {check.LastRunFinishedAt?.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "–"} UTC: " +
            $"{check.WindowSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} s → {check.RunsPerSecond?.ToString("N1", CultureInfo.InvariantCulture) ?? "–"} completed runs/s " +
            $"(the load itself lasted {(ours.FinishedAt - ours.StartedAt).TotalSeconds:0} s); best 10 s stretch: {check.PeakRunsPerSecond?.ToString("N1", CultureInfo.InvariantCulture) ?? "–"} runs/s");
        md.Line($"- sustained, while a backlog waited: {Number(check.RunsAfterLoad)} runs finished after the load's last answer, in " +
            $"{check.AfterLoadSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} s → " +
            $"**{check.SustainedRunsPerSecond?.ToString("N1", CultureInfo.InvariantCulture) ?? "– (too few left to measure)"} runs/s** (the figure the target compares)");
        md.Line($"- the backlog {(check.Drained ? "drained" : "had NOT drained")} {check.DrainSeconds:0} s after the load ended (no delivery or automation event pending, no run running)");
        if (ours.ServerCpuSecondsAtStart is { } cpuStart && check.ServerCpuSecondsAtEnd is { } cpuEnd && check.FinishedRuns > 0)
        {
            md.Line($"- app CPU for the whole run (ingest + background + runs): {cpuEnd - cpuStart:0.0} s = {(cpuEnd - cpuStart) * 1000 / check.FinishedRuns:0.00} ms per finished run; " +
                $"after the load stopped (background only): {check.DrainCpuMsPerRun?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–"} ms per finished run");
        }

        md.Line();
        md.Line("Drain timeline (seconds since the first request; which stage holds the backlog):");
        md.Line();
        md.Row("s", "`InboundEvents` pending", "`AutomationEvents` pending", "runs running", "runs finished", "app CPU s");
        md.Row("---:", "---:", "---:", "---:", "---:", "---:");
        var step = Math.Max(1, check.Timeline.Count / 30);
        for (var i = 0; i < check.Timeline.Count; i++)
        {
            if (i % step == 0 || i == check.Timeline.Count - 1)
            {
                var t = check.Timeline[i];
                md.Row(t.Seconds.ToString("0", CultureInfo.InvariantCulture), Number(t.InboundPending), Number(t.AutomationPending), Number(t.RunsRunning),
                    Number(t.RunsFinished), t.ServerCpuSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–");
            }
        }

        md.Line();
    }

    private static void WriteMachine(Markdown md, Arguments args, TargetRun nodeRed, TargetRun ours)
    {
        var s = ours.Settings;
        md.Line("## Machine and settings");
        md.Line();
        md.Line($"- {Environment.ProcessorCount} cores ({Machine.CpuModel()}), {Machine.Memory()} memory, {RuntimeInformation.OSDescription}");
        md.Line($"- .NET {RuntimeInformation.FrameworkDescription}, SDK {args.Optional("sdk") ?? "unknown"}; the app Release, Production, warning-level logging; " +
            $"Node-RED {args.Optional("nodered") ?? "unknown"} on Node {args.Optional("node") ?? "unknown"}, warning-level logging, editor off");
        md.Line($"- generator and target share the cores (and the machine with other work): Node-RED {nodeRed.ContentionBefore} → {nodeRed.ContentionAfter}; " +
            $"ours {ours.ContentionBefore} → {ours.ContentionAfter}");
        md.Line($"- steps {string.Join(", ", s.Rates.Select(Number))} req/s, {s.StepSeconds:0.#} s each, {s.PauseSeconds:0.#} s apart, after a {s.WarmupSeconds:0.#} s warm-up at {s.WarmupRate} req/s; " +
            $"HTTP/1.1 keep-alive, up to {s.Connections} connections, in-flight cap {Number(s.MaxInFlight)} (beyond it a request is shed), timeout {s.TimeoutSeconds:0.#} s; {Number(s.Senders)} senders");
        md.Line($"- peak RSS (VmHWM): Node-RED {Megabytes(args.Optional("nodered-peak-rss-kb"))}, ours {Megabytes(args.Optional("ours-peak-rss-kb"))} (ours read after the drain)");
        md.Line("- accepted req/s = 2xx answers ÷ time from the step's first scheduled send to its last answer; latency from each request's scheduled send time");
    }

    private static string Megabytes(string? kilobytes) =>
        long.TryParse(kilobytes, CultureInfo.InvariantCulture, out var kb) ? $"{kb / 1024} MB" : "n/a";

    private static double Ratio(double baseline, double value) => baseline <= 0 ? 0 : value / baseline;

    private static string Verdict(bool pass) => pass ? "**PASS**" : "**FAIL**";

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–";
}
