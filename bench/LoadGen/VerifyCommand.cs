using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>
/// What the target's database holds after a run, against what the generator saw accepted.
/// <paramref name="Lost"/>: accepted (2xx) but not stored. <paramref name="Duplicates"/>: stored rows beyond one per
/// message id. Requests that timed out may or may not have been stored (<paramref name="StoredFromUncertain"/>).
/// </summary>
internal sealed record StoreCheck(
    string Kind,
    int Accepted,
    int Uncertain,
    int StoredRows,
    int DistinctStored,
    int Duplicates,
    int Lost,
    int StoredFromUncertain,
    int Unexpected,
    bool Drained,
    double? DrainSeconds,
    int? DeliveriesStored,
    int? PendingAtEnd,
    int? FailedDeliveries,
    double? ProcessingSeconds,
    double? ProcessedPerSecond,
    double? ServerCpuSecondsAtEnd = null);

/// <summary>
/// <c>verify</c>: for the app, waits until webhook processing has drained (no <c>InboundEvents</c> left Pending), then
/// compares the stored WhatsApp messages with the accepted ids; for the baseline, compares its rows.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> ExecuteAsync(Arguments args)
    {
        var kind = args.Required("kind");
        var run = await JsonFiles.ReadAsync<TargetRun>(args.Required("run"));
        var database = Path.GetFullPath(args.Required("db"));
        var drainTimeout = TimeSpan.FromSeconds(args.Double("drain-timeout-seconds", 900));
        var accepted = (await File.ReadAllLinesAsync(run.AcceptedIdsFile)).ToHashSet(StringComparer.Ordinal);
        var uncertain = (await File.ReadAllLinesAsync(run.UncertainIdsFile)).ToHashSet(StringComparer.Ordinal);

        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        await using var db = new SqliteConnection(connectionString);
        await db.OpenAsync();

        var check = kind switch
        {
            "ours" => await CheckAppAsync(db, accepted, uncertain, drainTimeout),
            "baseline" => await CheckBaselineAsync(db, accepted, uncertain),
            _ => throw new ArgumentException("--kind must be 'ours' or 'baseline'."),
        };
        var serverPid = args.Optional("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
        check = check with { ServerCpuSecondsAtEnd = Machine.CpuTime(serverPid) is { } cpu ? Math.Round(cpu.TotalSeconds, 3) : run.ServerCpuSecondsAtEnd };
        await JsonFiles.WriteAsync(args.Required("out"), check);
        Console.WriteLine($"{run.Label}: accepted {check.Accepted}, stored {check.StoredRows} ({check.DistinctStored} distinct), " +
            $"lost {check.Lost}, duplicated {check.Duplicates}, stored though unanswered {check.StoredFromUncertain}, unexpected {check.Unexpected}" +
            (check.DrainSeconds is { } drain ? $", drained {(check.Drained ? "in" : "NOT within")} {drain:0.0} s" : ""));
        return 0;
    }

    private static async Task<StoreCheck> CheckAppAsync(SqliteConnection db, HashSet<string> accepted, HashSet<string> uncertain, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        int pending;
        while ((pending = await ScalarAsync(db, "SELECT COUNT(*) FROM InboundEvents WHERE State = 'Pending'")) > 0 && waited.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var drainSeconds = Math.Round(waited.Elapsed.TotalSeconds, 1);
        var ids = await ColumnAsync(db, "SELECT ExternalId FROM Messages WHERE Channel = 'WhatsApp' AND Direction = 'Inbound'");
        var deliveries = await ScalarAsync(db, "SELECT COUNT(*) FROM InboundEvents WHERE Channel = 'WhatsApp'");
        var failed = await ScalarAsync(db, "SELECT COUNT(*) FROM InboundEvents WHERE State = 'Failed'");

        double? processingSeconds = null, processedPerSecond = null;
        var window = await ColumnAsync(db, "SELECT MIN(ReceivedAt) FROM InboundEvents UNION ALL SELECT MAX(ProcessedAt) FROM InboundEvents");
        if (window is [{ } first, { } last] && !string.IsNullOrEmpty(first) && !string.IsNullOrEmpty(last))
        {
            processingSeconds = Math.Round((Instant(last) - Instant(first)).TotalSeconds, 1);
            processedPerSecond = processingSeconds > 0 ? Math.Round(ids.Count / processingSeconds.Value, 1) : null;
        }

        return Compare("ours", ids, accepted, uncertain) with
        {
            Drained = pending == 0,
            DrainSeconds = drainSeconds,
            DeliveriesStored = deliveries,
            PendingAtEnd = pending,
            FailedDeliveries = failed,
            ProcessingSeconds = processingSeconds,
            ProcessedPerSecond = processedPerSecond,
        };
    }

    private static async Task<StoreCheck> CheckBaselineAsync(SqliteConnection db, HashSet<string> accepted, HashSet<string> uncertain)
    {
        var ids = await ColumnAsync(db,
            "SELECT json_extract(CAST(Payload AS TEXT), '$.entry[0].changes[0].value.messages[0].id') FROM Deliveries");
        return Compare("baseline", ids, accepted, uncertain);
    }

    private static StoreCheck Compare(string kind, List<string?> stored, HashSet<string> accepted, HashSet<string> uncertain)
    {
        var distinct = stored.OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new StoreCheck(
            Kind: kind,
            Accepted: accepted.Count,
            Uncertain: uncertain.Count,
            StoredRows: stored.Count,
            DistinctStored: distinct.Count,
            Duplicates: stored.Count - distinct.Count,
            Lost: accepted.Count(id => !distinct.Contains(id)),
            StoredFromUncertain: uncertain.Count(distinct.Contains),
            Unexpected: distinct.Count(id => !accepted.Contains(id) && !uncertain.Contains(id)),
            Drained: true,
            DrainSeconds: null,
            DeliveriesStored: null,
            PendingAtEnd: null,
            FailedDeliveries: null,
            ProcessingSeconds: null,
            ProcessedPerSecond: null);
    }

    private static DateTime Instant(string stored) =>
        DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static async Task<int> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<string?>> ColumnAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return values;
    }
}
