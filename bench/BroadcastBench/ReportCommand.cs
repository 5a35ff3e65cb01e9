using System.Globalization;
using System.Text;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>Checks the store against the fake's record and writes the results file (Markdown, plus the raw numbers as JSON).</summary>
internal static class ReportCommand
{
    private const double Target = 0.95;

    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        using var fake = new HttpClient { BaseAddress = Api.Loopback(arguments.Required("fake")), Timeout = TimeSpan.FromMinutes(2) };
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(arguments.Required("run"))).RootElement;
        var timeline = (await File.ReadAllLinesAsync(arguments.Required("timeline")))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var sends = await SendRecord.FetchAsync(fake);
        var seconds = await FakeTimeline.FetchAsync(fake);
        var check = await StoreCheck.RunAsync(arguments.Required("db"), run.GetProperty("broadcastId").GetGuid(), sends);

        var rate = int.Parse(timeline["fake_rate"], CultureInfo.InvariantCulture);
        var kill = seconds.Marks.GetValueOrDefault("kill", double.MaxValue);
        var restarted = seconds.Marks.GetValueOrDefault("ready-again", kill);
        var before = seconds.Steady(0, kill);
        var after = seconds.Steady(restarted, double.MaxValue);
        var firstSend = sends.Count == 0 ? 0 : sends.Min(s => s.At);
        var firstAfter = sends.Where(s => s.At >= restarted).Select(s => s.At).DefaultIfEmpty(restarted).Min();
        var lastSend = sends.Count == 0 ? 0 : sends.Max(s => s.At);
        var phases = new[] { ("before the kill", before), ("after the restart", after) };
        var ratesPass = phases.All(p => p.Item2.Count > 0 && Mean(p.Item2) >= Target * rate);

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Broadcast benchmark — {timeline["stamp"]}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{arguments.Optional("command") ?? "bench/broadcast.sh"}` at {arguments.Optional("commit") ?? "?"}, .NET SDK {arguments.Optional("sdk") ?? "?"}; " +
            $"{Environment.ProcessorCount} cores ({timeline.GetValueOrDefault("cpu", "?")}), shared by the app, the fake Graph API and the driver.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{check.Recipients:N0} customers (WhatsApp, outside any service window) seeded directly; one approved utility template " +
            $"with a profile field and a literal; a broadcast to all of them through the API (estimate {run.GetProperty("estimateTotal").GetDecimal():N2} {run.GetProperty("currency").GetString()}, " +
            $"confirmed when scheduling). The app sends at `Broadcasts:WhatsAppMessagesPerSecond={timeline["app_rate"]}` to a fake Graph API on 127.0.0.1 that takes at most " +
            $"{rate:N0} messages/s (429 / 130429 above it). Killed with SIGKILL after {timeline["kill_after"]} accepted sends, restarted on the same data folder.");
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| what | measured | target | result |");
        md.AppendLine("| --- | --- | --- | --- |");
        foreach (var (name, steady) in phases)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| sustained send rate, steady part {name} | {Describe(steady, rate)} | ≥ {Target:P0} of {rate:N0}/s | {Pass(steady.Count > 0 && Mean(steady) >= Target * rate)} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| recipients messaged twice (at the fake) | {check.DuplicateRecipientsAtFake:N0} (messages sent twice: {check.DuplicateCallbacksAtFake:N0}) | 0 | {Pass(check.DuplicateRecipientsAtFake == 0 && check.DuplicateCallbacksAtFake == 0)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| every recipient sent once, or unknown (in flight at the kill) | {check.SentOnce:N0} sent once + {check.UnknownReachedFake + check.UnknownNotReached:N0} unknown of {check.Recipients:N0}; " +
            $"sent but not at the fake: {check.SentButNotAtFake:N0}; unfinished: {check.NotFinished:N0}; sends not ours: {check.ForeignSends:N0} | all | {Pass(check.Passed)} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Unknown after the kill: **{check.UnknownReachedFake + check.UnknownNotReached:N0}** recipients — {check.UnknownReachedFake:N0} of them had reached the provider " +
            $"(its status webhook, carrying our message id in `biz_opaque_callback_data`, reconciles them; the fake sends none), {check.UnknownNotReached:N0} had not. None was resent.");
        md.AppendLine();
        md.AppendLine("## Timeline");
        md.AppendLine();
        md.AppendLine("| step | time |");
        md.AppendLine("| --- | --- |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| seed {check.Recipients:N0} customers (direct insert through the app's model) | {Seconds(timeline["seed_seconds"])} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| estimate (plan and price the whole audience), then schedule (estimated again as the guard) | {run.GetProperty("estimateSeconds").GetDouble():F1} s + {run.GetProperty("scheduleSeconds").GetDouble():F1} s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| scheduled → first send (the audience snapshot: {check.Recipients:N0} recipient rows) | {firstSend - seconds.Marks.GetValueOrDefault("scheduled", firstSend):F1} s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| first send → kill | {kill - firstSend:F1} s ({sends.Count(s => s.At < kill):N0} accepted) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| kill → app ready again | {restarted - kill:F1} s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ready → first send after the restart (lease taken over, interrupted sends marked unknown) | {firstAfter - restarted:F1} s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| first send after the restart → last send | {lastSend - firstAfter:F1} s ({sends.Count(s => s.At >= restarted):N0} accepted) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| whole broadcast, first to last send, restart included | {lastSend - firstSend:F1} s: {sends.Count / Math.Max(lastSend - firstSend, 1):N0}/s on average |");
        md.AppendLine();
        md.AppendLine("## Store and fake");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Recipients by state: {Join(check.ByState)}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Their messages by status: {Join(check.MessagesByStatus)} (unknown: {check.MessagesIn(DeliveryStatus.Unknown):N0}).");
        md.AppendLine(CultureInfo.InvariantCulture, $"- The fake accepted {seconds.Accepted:N0} sends and refused {seconds.Refused:N0} over its limit (429 / 130429; those are retried after a back-off and counted once when accepted).");
        var appCpu = double.Parse(timeline.GetValueOrDefault("app1_cpu", "0"), CultureInfo.InvariantCulture) + double.Parse(timeline.GetValueOrDefault("app2_cpu", "0"), CultureInfo.InvariantCulture);
        var fakeCpu = double.Parse(timeline.GetValueOrDefault("fake_cpu", "0"), CultureInfo.InvariantCulture);
        double Number(string key) => double.Parse(timeline.GetValueOrDefault(key, "0"), CultureInfo.InvariantCulture);
        var steadyCpu = (Number("steady_cpu_to") - Number("steady_cpu_from")) * 1000 / Math.Max(1, Number("steady_sent_to") - Number("steady_sent_from"));
        md.AppendLine(CultureInfo.InvariantCulture, $"- CPU time of the app while it sends: {steadyCpu:F2} ms per message (from send {Number("steady_sent_from"):N0} to {Number("steady_sent_to"):N0}); " +
            $"at 1,000 messages/s that is {steadyCpu:F2} of the 2 cores' 2 CPU-seconds per second. Whole runs: the app {appCpu:F1} s (both starts, estimate, snapshot, progress polls), the fake {fakeCpu:F1} s ({fakeCpu * 1000 / Math.Max(1, sends.Count):F2} ms per message).");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: load average {timeline.GetValueOrDefault("load_before", "?")} before, {timeline.GetValueOrDefault("load_after", "?")} after; " +
            $"CPU pressure (some, avg10) {timeline.GetValueOrDefault("psi_before", "?")} before, {timeline.GetValueOrDefault("psi_after", "?")} after.");
        md.AppendLine();
        md.AppendLine("## Accepted per second (the fake's clock)");
        md.AppendLine();
        md.AppendLine("Steady parts are marked `*`; `K` is the kill, `R` the app ready again. Refused sends in brackets.");
        md.AppendLine();
        md.AppendLine("```");
        var steadySeconds = before.Concat(after).Select(s => s.Second).ToHashSet();
        foreach (var row in seconds.Seconds.Chunk(10))
        {
            md.AppendLine(string.Join("  ", row.Select(s =>
                FormattableString.Invariant($"{s.Second,4}{(s.Second == (long)kill ? "K" : s.Second == (long)restarted ? "R" : " ")}:{s.Accepted,5}{(s.Refused > 0 ? $"({s.Refused})" : "")}{(steadySeconds.Contains(s.Second) ? "*" : " ")}"))));
        }

        md.AppendLine("```");
        var outFile = arguments.Required("out");
        await File.WriteAllTextAsync(outFile, md.ToString());
        await File.WriteAllTextAsync(arguments.Optional("json") ?? Path.ChangeExtension(outFile, ".json"), JsonSerializer.Serialize(new { run, timeline, check, seconds = seconds.Seconds.Select(s => new[] { s.Second, s.Accepted, s.Refused }), seconds.Marks }));
        Console.WriteLine(md.ToString());
        return ratesPass && check.Passed ? 0 : 3;
    }

    private static double Mean(IReadOnlyList<(long Second, int Accepted, int Refused)> steady) => steady.Average(s => s.Accepted);

    private static string Describe(IReadOnlyList<(long Second, int Accepted, int Refused)> steady, int rate)
    {
        if (steady.Count == 0)
        {
            return "too short to have a steady part";
        }

        var sorted = steady.Select(s => s.Accepted).Order().ToList();
        return FormattableString.Invariant($"{Mean(steady):N0}/s ({Mean(steady) / rate:P1}) over {steady.Count} s; slowest second {sorted[0]:N0}, 5th percentile {sorted[(int)(sorted.Count * 0.05)]:N0}; refused {steady.Sum(s => s.Refused):N0}");
    }

    private static string Pass(bool passed) => passed ? "PASS" : "FAIL";

    private static string Seconds(string value) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var seconds) ? FormattableString.Invariant($"{seconds:F1} s") : value;

    private static string Join(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => FormattableString.Invariant($"{c.Key} {c.Value:N0}")));
}
