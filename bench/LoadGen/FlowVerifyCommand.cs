using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>
/// <c>flow-verify</c>: samples the app's backlog (deliveries pending, automation events pending, runs running, runs
/// finished, the app's CPU) until it has drained or the time limit passes, then maps every finished run of the bench
/// flow back to its webhook (run → trigger event → message → <c>wamid</c>) and counts runs per accepted webhook.
/// </summary>
internal static class FlowVerifyCommand
{
    public static async Task<int> ExecuteAsync(Arguments args)
    {
        var run = await JsonFiles.ReadAsync<TargetRun>(args.Required("run"));
        var flowId = args.Required("flow-id");
        var drainTimeout = TimeSpan.FromSeconds(args.Double("drain-timeout-seconds", 900));
        var serverPid = args.Optional("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
        var accepted = (await File.ReadAllLinesAsync(run.AcceptedIdsFile)).ToHashSet(StringComparer.Ordinal);
        var uncertain = (await File.ReadAllLinesAsync(run.UncertainIdsFile)).ToHashSet(StringComparer.Ordinal);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(args.Required("db")), Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30,
        }.ToString();
        await using var db = new SqliteConnection(connectionString);
        await db.OpenAsync();
        var sql = new Sql(db, flowId);

        var (timeline, drained, drainSeconds) = await WaitForDrainAsync(sql, run.StartedAt, serverPid, drainTimeout);
        var runs = await sql.RowsAsync("SELECT TriggerEventId, Status, UpdatedAt FROM FlowInstances WHERE FlowId = $flow");
        var messageOfEvent = (await sql.RowsAsync(
                "SELECT Id, json_extract(Payload, '$.messageId') FROM AutomationEvents WHERE Type = 'message.received'"))
            .Where(r => r[1] is not null)
            .ToDictionary(r => Guid.Parse(r[0]!), r => Guid.Parse(r[1]!));
        var wamidOfMessage = (await sql.RowsAsync("SELECT Id, ExternalId FROM Messages WHERE Channel = 'WhatsApp' AND Direction = 'Inbound'"))
            .ToDictionary(r => Guid.Parse(r[0]!), r => r[1]);

        var finished = runs.Where(r => r[1] == "Finished").ToList();
        var runsPerWamid = finished
            .Select(r => Guid.TryParse(r[0]![(r[0]!.LastIndexOf(':') + 1)..], out var e) && messageOfEvent.TryGetValue(e, out var m) ? wamidOfMessage.GetValueOrDefault(m) : null)
            .GroupBy(w => w ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        DateTime? lastFinished = finished.Count == 0 ? null : finished.Max(r => Instant(r[2]!));
        double? window = lastFinished is { } last ? Math.Round((last - run.StartedAt).TotalSeconds, 1) : null;
        var runsAfterLoad = finished.Count(r => Instant(r[2]!) > run.FinishedAt);
        double? afterLoad = lastFinished is { } end && end > run.FinishedAt ? Math.Round((end - run.FinishedAt).TotalSeconds, 1) : null;

        var check = new FlowCheck(
            FlowId: flowId,
            Accepted: accepted.Count,
            Uncertain: uncertain.Count,
            FinishedRuns: finished.Count,
            FaultedRuns: runs.Count(r => r[1] == "Faulted"),
            OtherRuns: runs.Count(r => r[1] is not ("Finished" or "Faulted")),
            AcceptedWithOneRun: accepted.Count(id => runsPerWamid.GetValueOrDefault(id) == 1),
            AcceptedWithoutRun: accepted.Count(id => !runsPerWamid.ContainsKey(id)),
            AcceptedWithSeveralRuns: accepted.Count(id => runsPerWamid.GetValueOrDefault(id) > 1),
            RunsNotFromAccepted: runsPerWamid.Where(kv => !accepted.Contains(kv.Key)).Sum(kv => kv.Value),
            JournalRows: await sql.ScalarAsync("SELECT COUNT(*) FROM FlowJournal j JOIN FlowInstances i ON i.Id = j.InstanceId WHERE i.FlowId = $flow"),
            FailedAutomationEvents: await sql.ScalarAsync("SELECT COUNT(*) FROM AutomationEvents WHERE State = 'Failed'"),
            FailedDeliveries: await sql.ScalarAsync("SELECT COUNT(*) FROM InboundEvents WHERE State = 'Failed'"),
            Drained: drained,
            DrainSeconds: drainSeconds,
            FirstRequestAt: run.StartedAt,
            LastRunFinishedAt: lastFinished,
            WindowSeconds: window,
            RunsPerSecond: window > 0 ? Math.Round(finished.Count / window.Value, 1) : null,
            PeakRunsPerSecond: PeakRate(timeline, TimeSpan.FromSeconds(10)),
            RunsAfterLoad: runsAfterLoad,
            AfterLoadSeconds: afterLoad,
            SustainedRunsPerSecond: runsAfterLoad >= MinimumBacklog && afterLoad >= MinimumBacklogSeconds
                ? Math.Round(runsAfterLoad / afterLoad.Value, 1)
                : null,
            ServerCpuSecondsAtEnd: Seconds(Machine.CpuTime(serverPid)) ?? run.ServerCpuSecondsAtEnd,
            DrainCpuMsPerRun: DrainCpuPerRun(timeline),
            Timeline: timeline);
        await JsonFiles.WriteAsync(args.Required("out"), check);
        Console.WriteLine($"{run.Label}: accepted {check.Accepted}, finished runs {check.FinishedRuns} (faulted {check.FaultedRuns}, other {check.OtherRuns}); " +
            $"one run {check.AcceptedWithOneRun}, none {check.AcceptedWithoutRun}, several {check.AcceptedWithSeveralRuns}; " +
            $"{check.RunsPerSecond?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} runs/s over {window?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} s" +
            $"{(drained ? "" : $"; NOT drained within {drainSeconds:0} s")}");
        return 0;
    }

    /// <summary>Fewer runs left after the load, or over less time, measure start-up and stragglers, not a rate.</summary>
    private const int MinimumBacklog = 2_000;
    private const double MinimumBacklogSeconds = 5;

    /// <summary>Every 2 s until nothing is pending or running (three looks in a row, to let the pumps pick up stragglers).</summary>
    private static async Task<(List<DrainSample> Timeline, bool Drained, double Seconds)> WaitForDrainAsync(
        Sql sql, DateTime firstRequest, int? serverPid, TimeSpan timeout)
    {
        var timeline = new List<DrainSample>();
        var waited = Stopwatch.StartNew();
        var quiet = 0;
        while (true)
        {
            var sample = new DrainSample(
                Math.Round((DateTime.UtcNow - firstRequest).TotalSeconds, 1),
                await sql.ScalarAsync("SELECT COUNT(*) FROM InboundEvents WHERE State = 'Pending'"),
                await sql.ScalarAsync("SELECT COUNT(*) FROM AutomationEvents WHERE State = 'Pending'"),
                await sql.ScalarAsync("SELECT COUNT(*) FROM FlowInstances WHERE FlowId = $flow AND Status = 'Running'"),
                await sql.ScalarAsync("SELECT COUNT(*) FROM FlowInstances WHERE FlowId = $flow AND Status = 'Finished'"),
                Seconds(Machine.CpuTime(serverPid)));
            timeline.Add(sample);
            quiet = sample is { InboundPending: 0, AutomationPending: 0, RunsRunning: 0 } ? quiet + 1 : 0;
            if (quiet >= 3 || waited.Elapsed >= timeout)
            {
                return (timeline, quiet >= 3, Math.Round(waited.Elapsed.TotalSeconds, 1));
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>The best completion rate over any stretch of at least <paramref name="span"/> in the timeline.</summary>
    private static double? PeakRate(List<DrainSample> timeline, TimeSpan span)
    {
        double? best = null;
        for (var i = 0; i < timeline.Count; i++)
        {
            var j = timeline.FindIndex(i, s => s.Seconds - timeline[i].Seconds >= span.TotalSeconds);
            if (j < 0)
            {
                break;
            }

            var rate = (timeline[j].RunsFinished - timeline[i].RunsFinished) / (timeline[j].Seconds - timeline[i].Seconds);
            best = Math.Max(best ?? 0, Math.Round(rate, 1));
        }

        return best;
    }

    /// <summary>The app's CPU per finished run after the load stopped (the first look to the last one with runs still finishing).</summary>
    private static double? DrainCpuPerRun(List<DrainSample> timeline)
    {
        var last = timeline.FindLastIndex(s => s.RunsFinished > timeline[0].RunsFinished);
        if (last <= 0 || timeline[0].ServerCpuSeconds is not { } cpuStart || timeline[last].ServerCpuSeconds is not { } cpuEnd)
        {
            return null;
        }

        return Math.Round((cpuEnd - cpuStart) * 1000 / (timeline[last].RunsFinished - timeline[0].RunsFinished), 2);
    }

    private static double? Seconds(TimeSpan? time) => time is { } t ? Math.Round(t.TotalSeconds, 3) : null;

    private static DateTime Instant(string stored) =>
        DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private sealed class Sql(SqliteConnection db, string flowId)
    {
        public async Task<int> ScalarAsync(string text)
        {
            await using var command = Command(text);
            return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        public async Task<List<string?[]>> RowsAsync(string text)
        {
            await using var command = Command(text);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string?[]>();
            while (await reader.ReadAsync())
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                }

                rows.Add(row);
            }

            return rows;
        }

        private SqliteCommand Command(string text)
        {
            var command = db.CreateCommand();
            command.CommandText = text;
            if (text.Contains("$flow", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("$flow", flowId);
            }

            return command;
        }
    }
}
