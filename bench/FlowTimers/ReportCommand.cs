using System.Globalization;
using System.Text;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// Reads the counter's record, the app's database, the RSS samples and the script's timeline, checks the targets and
/// writes the markdown report (and a JSON twin). Exit code 3 when a target failed.
/// </summary>
internal static class ReportCommand
{
    private const double RssTargetMb = 600;
    private const double LatenessTargetSeconds = 2;

    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        var seeded = JsonDocument.Parse(await File.ReadAllTextAsync(arguments.Required("seeded"))).RootElement;
        var timeline = File.ReadLines(arguments.Required("timeline")).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        long Ms(string key) => timeline.TryGetValue(key, out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
        string Text(string key) => timeline.GetValueOrDefault(key, "?");
        var dueA = seeded.GetProperty("dueAtA").GetInt64();
        var dueW = seeded.GetProperty("dueAtW").GetInt64();
        var dueB = seeded.GetProperty("dueAtB").GetInt64();
        var pending = seeded.GetProperty("pending").GetInt32();
        var far = seeded.GetProperty("far").GetInt32();
        var expected = seeded.GetProperty("dueA").GetInt32();

        var arrivals = Arrival.Read(arguments.Required("arrivals"));
        var a = BatchCheck.Of("a", expected, dueA, arrivals);
        var w = BatchCheck.Of("w", expected, dueW, arrivals);
        var b = BatchCheck.Of("b", expected, dueB, arrivals);
        var strays = arrivals.Count(x => x.Batch is not ("a" or "w" or "b" or "warmup")); // warmup: the counter's own calls before it was ready
        var store = await StoreCheck.RunAsync(arguments.Required("db"), DateTimeOffset.FromUnixTimeMilliseconds(dueB).UtcDateTime);

        var rss1 = Rss.Read(arguments.Required("rss1"));
        var rss2 = Rss.Read(arguments.Required("rss2"));
        var atReady = Rss.At(rss1, Ms("app1_ready"));
        var beforeDue = Rss.Max(rss1, Ms("app1_start"), dueA);
        var whileFiring = Rss.Max(rss1, dueA, Math.Max(Ms("a_done"), dueA) + 1000);
        var whileWarmFiring = Rss.Max(rss1, dueW, Math.Max(Ms("w_done"), dueW) + 1000);
        var app1Max = Rss.Max(rss1, 0, long.MaxValue);
        var app2Max = Rss.Max(rss2, 0, long.MaxValue);

        double Number(string key) => double.TryParse(timeline.GetValueOrDefault(key), CultureInfo.InvariantCulture, out var n) ? n : 0;
        double CpuPerTimer(BatchCheck burst) => (Number($"{burst.Name}_cpu_to") - Number($"{burst.Name}_cpu_from")) * 1000 / Math.Max(1, burst.DistinctRuns);
        double CounterCpuPerCall(BatchCheck burst) => (Number($"counter_{burst.Name}_cpu_to") - Number($"counter_{burst.Name}_cpu_from")) * 1000 / Math.Max(1, burst.Arrivals);
        var cpuPerTimer = CpuPerTimer(a);
        var counterCpuPerCall = CounterCpuPerCall(a);
        var warmCpuPerTimer = CpuPerTimer(w);
        var warmCounterCpuPerCall = CounterCpuPerCall(w);
        var rssMax = Math.Max(beforeDue, Math.Max(whileFiring, whileWarmFiring));
        var rssPass = rssMax > 0 && rssMax < RssTargetMb;
        var latenessPass = a.DistinctRuns == expected && a.P99 < LatenessTargetSeconds;
        var noneLost = a.Missing == 0 && w.Missing == 0 && b.Missing == 0 && store.DueBookmarksLeft == 0
            && store.Status(FlowStatus.Finished) == 3 * expected;
        var noneDoubled = a.RunsWithTwoKeys == 0 && w.RunsWithTwoKeys == 0 && b.RunsWithTwoKeys == 0 && store.RunsResumedTwice == 0;
        var farPass = strays == 0 && store.FarBookmarks == far && store.FarClaimed == 0 && store.Status(FlowStatus.Suspended) == far;

        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Flow engine: {pending:N0} pending timers — {Text("stamp")}");
        md.AppendLine();
        md.AppendLine(inv, $"Command: `{arguments.Optional("command") ?? "bench/flow-timers.sh"}` · commit `{arguments.Optional("commit") ?? "?"}` · .NET SDK {arguments.Optional("sdk") ?? "?"} · " +
            $"{Environment.ProcessorCount} cores ({Text("cpu")}), shared by the app, the counter and the driver (and other users of the machine: see the load below).");
        md.AppendLine();
        md.AppendLine(inv, $"One flow (manual trigger → `flow.wait` → `flow.httpRequest` POST to a counter on 127.0.0.1 → `flow.end`). One run started through the API and left " +
            $"suspended by the runner; {pending - 1:N0} clones of its two rows (`FlowInstances` snapshot, `FlowBookmarks` timer) seeded through the app's model " +
            $"(avg snapshot {seeded.GetProperty("snapshotBytes").GetInt64():N0} bytes): {expected:N0} due at instant A, {expected:N0} at W, {expected:N0} at B, {far:N0} due 1–30 days ahead. " +
            $"The app (Release, Production, SQLite, `{Text("settings")}`) starts on that database; A fires undisturbed (the first burst after the start, after the app's own " +
            $"start-up warm-up: requests to itself, then 200 runs of its built-in wait → HTTP → end flow, deleted once they end); W fires undisturbed in the same " +
            $"process (the path has run a burst); during B the app is killed with SIGKILL after " +
            $"{Text("kill_after")} calls and restarted on the same data folder. Lateness = the counter's arrival time − the due time (same clock), first arrival per run.");
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| what | measured | target | result |");
        md.AppendLine("| --- | --- | --- | --- |");
        md.AppendLine(inv, $"| app RSS with {pending:N0} pending (max from start to A; max while A fires; while W fires) | {beforeDue:N0} MB; {whileFiring:N0} MB; {whileWarmFiring:N0} MB | < {RssTargetMb:N0} MB | {Pass(rssPass)} |");
        md.AppendLine(inv, $"| firing lateness, {expected:N0} due at the same instant: the first burst after the start (A; the judged figure) | p50 {a.P50:F2} s, p99 {a.P99:F2} s, max {a.Max:F2} s ({a.DistinctRuns:N0} runs called) | p99 < {LatenessTargetSeconds} s | {Pass(latenessPass)} |");
        md.AppendLine(inv, $"| (for reference) the same, the next burst in the same process (W, warm) | p50 {w.P50:F2} s, p99 {w.P99:F2} s, max {w.Max:F2} s ({w.DistinctRuns:N0} runs called) | p99 < {LatenessTargetSeconds} s | {(w.DistinctRuns == expected && w.P99 < LatenessTargetSeconds ? "under" : "over")} |");
        md.AppendLine(inv, $"| none lost (A, W and B, B across kill + restart) | missing A {a.Missing:N0}, W {w.Missing:N0}, B {b.Missing:N0}; due timers left {store.DueBookmarksLeft:N0}; finished runs {store.Status(FlowStatus.Finished):N0} of {3 * expected:N0} | 0 | {Pass(noneLost)} |");
        md.AppendLine(inv, $"| none doubled (a run calling with two different step keys, or its wait resumed twice in the journal) | A {a.RunsWithTwoKeys:N0}, W {w.RunsWithTwoKeys:N0}, B {b.RunsWithTwoKeys:N0}; resumed twice {store.RunsResumedTwice:N0} | 0 | {Pass(noneDoubled)} |");
        md.AppendLine(inv, $"| the far timers untouched | {store.FarBookmarks:N0} of {far:N0} still pending, {store.FarClaimed:N0} claimed, {strays:N0} calls from them; suspended runs {store.Status(FlowStatus.Suspended):N0} | all pending, none fired | {Pass(farPass)} |");
        md.AppendLine();
        md.AppendLine(inv, $"Same HTTP step delivered twice with the **same** idempotency key (a step the kill interrupted after its request left and before its checkpoint was durable, " +
            $"re-run on restart — at-least-once delivery, deduplicable by the receiver through `Idempotency-Key`): A {a.KeysDeliveredTwice:N0}, W {w.KeysDeliveredTwice:N0}, B {b.KeysDeliveredTwice:N0}; " +
            $"runs whose `call` step is journaled more than once: {store.RunsCalledTwice:N0}.");
        md.AppendLine();
        md.AppendLine("## Figures");
        md.AppendLine();
        md.AppendLine("| what | value |");
        md.AppendLine("| --- | --- |");
        md.AppendLine(inv, $"| seed {pending - 1:N0} runs (app stopped; direct insert through the app's model) | {seeded.GetProperty("seedSeconds").GetDouble():F1} s |");
        md.AppendLine(inv, $"| app start → ready, {pending:N0} pending | {(Ms("app1_ready") - Ms("app1_start")) / 1000.0:F1} s |");
        md.AppendLine(inv, $"| RSS when ready / max before A / max while A fires / max of the first process | {atReady:N0} / {beforeDue:N0} / {whileFiring:N0} / {app1Max:N0} MB |");
        md.AppendLine(inv, $"| A: first call after due (the pump waking + the first resume in the process: JIT, EF query compilation, HTTP client) | {a.First:F2} s |");
        md.AppendLine(inv, $"| A: lateness p50 / p99 / max; last call | {a.P50:F2} / {a.P99:F2} / {a.Max:F2} s; {a.Last:F2} s after due ({a.Arrivals:N0} calls, {a.DistinctKeys:N0} distinct keys) |");
        md.AppendLine(inv, $"| A: drain rate, first to last call | {a.DistinctRuns / Math.Max(0.001, a.Last - a.First):N0} timers/s |");
        md.AppendLine(inv, $"| A: the app's CPU time per fired timer (1 s before A to its last call; resume, HTTP call, end, all in the app) | {cpuPerTimer:F2} ms — at that cost {expected:N0} timers need {cpuPerTimer * expected / 1000:F1} CPU-s, {cpuPerTimer * expected / 1000 / Environment.ProcessorCount:F1} s on all {Environment.ProcessorCount} cores |");
        md.AppendLine(inv, $"| A: the counter's CPU time per call, same window (it shares the cores) | {counterCpuPerCall:F2} ms |");
        md.AppendLine(inv, $"| load average / CPU pressure (some, avg10) at A | {Text("load_at_a")} / {Text("psi_at_a")} |");
        md.AppendLine(inv, $"| W (warm): first call after due | {w.First:F2} s |");
        md.AppendLine(inv, $"| W: lateness p50 / p99 / max; last call | {w.P50:F2} / {w.P99:F2} / {w.Max:F2} s; {w.Last:F2} s after due ({w.Arrivals:N0} calls, {w.DistinctKeys:N0} distinct keys) |");
        md.AppendLine(inv, $"| W: drain rate, first to last call | {w.DistinctRuns / Math.Max(0.001, w.Last - w.First):N0} timers/s |");
        md.AppendLine(inv, $"| W: the app's CPU time per fired timer (same window as A's) / the counter's per call | {warmCpuPerTimer:F2} ms ({warmCpuPerTimer / Math.Max(0.001, cpuPerTimer):F2}x A's) / {warmCounterCpuPerCall:F2} ms |");
        md.AppendLine(inv, $"| W: RSS max while it fires / load average / CPU pressure (some, avg10) at W | {whileWarmFiring:N0} MB / {Text("load_at_w")} / {Text("psi_at_w")} |");
        md.AppendLine(inv, $"| B: killed at (after due) / restart ready at | {(Ms("kill_at") - dueB) / 1000.0:F1} s / {(Ms("app2_ready") - dueB) / 1000.0:F1} s (restart took {(Ms("app2_ready") - Ms("kill_at")) / 1000.0:F1} s) |");
        md.AppendLine(inv, $"| B: lateness p50 / p99 / max (includes the kill and the restart); last call | {b.P50:F2} / {b.P99:F2} / {b.Max:F2} s; {b.Last:F2} s after due ({b.Arrivals:N0} calls, {b.DistinctKeys:N0} distinct keys) |");
        md.AppendLine(inv, $"| RSS max of the restarted process | {app2Max:N0} MB |");
        md.AppendLine(inv, $"| runs by status at the end | {string.Join(", ", store.RunsByStatus.OrderByDescending(s => s.Value).Select(s => FormattableString.Invariant($"{s.Key} {s.Value:N0}")))} |");
        md.AppendLine(inv, $"| timer rows at the end | {store.Bookmarks:N0} |");
        md.AppendLine(inv, $"| CPU time: app (first process / restarted), counter | {Text("app1_cpu")} s / {Text("app2_cpu")} s, {Text("counter_cpu")} s |");
        md.AppendLine(inv, $"| machine load average (1/5/15 min) before / after | {Text("load_before")} / {Text("load_after")} |");
        md.AppendLine(inv, $"| CPU pressure (some, avg10) before / after | {Text("psi_before")} / {Text("psi_after")} |");
        md.AppendLine();
        md.AppendLine("## RSS of the first process (MB, every 5 s; `A` = instant A, `W` = instant W)");
        md.AppendLine();
        md.AppendLine("```");
        var start = Ms("app1_start");
        md.AppendLine(string.Join("  ", rss1.Where((_, i) => i % 10 == 0).Select(s =>
            FormattableString.Invariant($"{(s.At - start) / 1000.0,5:F0}s{(Math.Abs(s.At - dueA) < 2500 ? "A" : Math.Abs(s.At - dueW) < 2500 ? "W" : " ")}:{s.Mb,5:F0}"))));
        md.AppendLine("```");

        var outFile = arguments.Required("out");
        await File.WriteAllTextAsync(outFile, md.ToString());
        await File.WriteAllTextAsync(arguments.Optional("json") ?? Path.ChangeExtension(outFile, ".json"), JsonSerializer.Serialize(new { seeded, timeline, cpuPerTimer, counterCpuPerCall, warmCpuPerTimer, warmCounterCpuPerCall, a, w, b, strays, store, atReady, beforeDue, whileFiring, app1Max, app2Max }));
        Console.WriteLine(md.ToString());
        return rssPass && latenessPass && noneLost && noneDoubled && farPass ? 0 : 3;
    }

    private static string Pass(bool passed) => passed ? "PASS" : "FAIL";
}

/// <summary>The script's RSS samples: <c>unix-ms VmRSS-kB</c> per line, every 0.5 s.</summary>
internal static class Rss
{
    public static List<(long At, double Mb)> Read(string file) =>
        !File.Exists(file) ? [] : [.. File.ReadLines(file).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 2)
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture) / 1024))];

    public static double Max(List<(long At, double Mb)> samples, long from, long to) =>
        samples.Where(s => s.At >= from && s.At <= to).Select(s => s.Mb).DefaultIfEmpty(0).Max();

    public static double At(List<(long At, double Mb)> samples, long at) =>
        samples.Where(s => s.At >= at).Select(s => s.Mb).DefaultIfEmpty(0).First();
}
