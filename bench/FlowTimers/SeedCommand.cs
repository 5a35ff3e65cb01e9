using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Bench.LoadGen;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// With the app stopped, clones the template run (started through the API and left suspended on its wait timer by the
/// runner) into N waiting runs, through the app's own model: a <see cref="FlowInstanceRecord"/> whose snapshot is the
/// engine's <see cref="FlowInstance"/> (new id, trigger event id, trigger payload <c>{ "batch": … }</c> and bookmark) and
/// a <see cref="FlowBookmarkRecord"/> with its due time — the two rows the runner leaves for a suspended run, ids made
/// the way the runner makes them. The far ones (due 1–30 days ahead) are written first; batches <c>a</c>, <c>w</c> and
/// <c>b</c> (M each) last, due at three instants counted from then (<c>--lead-seconds</c>, then <c>--gap-seconds</c>
/// apart). Run history (journal, trigger-event rows) is not cloned: the timer path reads neither.
/// </summary>
internal static class SeedCommand
{
    private const int Batch = 10_000;

    /// <summary>The batches due at one instant each: A (the first burst after a start), W (the next, warm), B (killed half-way).</summary>
    private const int DueBatches = 3;

    /// <summary>How the platform's store writes snapshots (its FlowSnapshots.Json is internal): web defaults, enums as text.</summary>
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        var file = Path.GetFullPath(arguments.Required("db"));
        var template = JsonDocument.Parse(await File.ReadAllTextAsync(arguments.Required("template"))).RootElement;
        var runId = template.GetProperty("runId").GetString()!;
        var pending = arguments.Int("pending", 1_000_000);
        var due = arguments.Int("due", 10_000);
        var lead = TimeSpan.FromSeconds(arguments.Int("lead-seconds", 90));
        var gap = TimeSpan.FromSeconds(arguments.Int("gap-seconds", 90));
        if (due < 1 || pending <= DueBatches * due)
        {
            // The template run keeps its own timer, 30 days out: it is one of the far ones, so there must be one.
            Console.Error.WriteLine($"--pending ({pending:N0}) must be more than {DueBatches} x --due ({due:N0}): the template run is one of the far ones, and A, W and B take {due:N0} each.");
            return 2;
        }

        DateTimeOffset? dueAtA = null;
        var began = Stopwatch.GetTimestamp();
        var options = new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options;

        FlowInstanceRecord instanceRow;
        FlowBookmarkRecord bookmarkRow;
        await using (var db = new SqliteFlowsDbContext(options))
        {
            instanceRow = await db.FlowInstances.AsNoTracking().SingleAsync(i => i.Id == runId);
            bookmarkRow = await db.FlowBookmarks.AsNoTracking().SingleAsync(b => b.InstanceId == runId);
        }

        var instance = JsonSerializer.Deserialize<FlowInstance>(instanceRow.Snapshot, SnapshotJson)!;
        if (JsonSerializer.Serialize(instance, SnapshotJson) != instanceRow.Snapshot)
        {
            Console.Error.WriteLine("The template snapshot does not round-trip through the engine's FlowInstance: the clones would not match what the store writes.");
            return 1;
        }

        if (instance.Status != FlowStatus.Suspended || instance.Bookmarks.Length != 1 || instance.Bookmarks[0].Kind != Engine.Activities.BookmarkKind.Timer
            || instance.Bookmarks[0].Id != bookmarkRow.Id)
        {
            Console.Error.WriteLine($"The template run is not suspended on exactly one timer: {instanceRow.Snapshot}");
            return 1;
        }

        var clones = pending - 1; // the template run is one of the far ones
        var far = pending - DueBatches * due;
        var payloads = new[] { "a", "w", "b", "far" }.ToDictionary(b => b, b => JsonSerializer.SerializeToElement(new { batch = b }));
        var farFrom = DateTimeOffset.UtcNow.AddDays(1);
        var snapshotBytes = 0L;
        for (var start = 0; start < clones; start += Batch)
        {
            await using var db = new SqliteFlowsDbContext(options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF;");
            await using var transaction = await db.Database.BeginTransactionAsync();
            var now = DateTimeOffset.UtcNow;
            for (var i = start; i < Math.Min(clones, start + Batch); i++)
            {
                // The far ones first; A, W and B last, their instants counted from when they are written (lead: the app's start).
                var farClones = clones - DueBatches * due;
                dueAtA ??= i >= farClones ? new DateTimeOffset(now.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero) + lead : null;
                var (batch, dueAt) = i < farClones ? ("far", farFrom.AddSeconds((i * 7919L) % (29 * 86_400)))
                    : i < farClones + due ? ("a", dueAtA!.Value)
                    : i < farClones + 2 * due ? ("w", dueAtA!.Value + gap)
                    : ("b", dueAtA!.Value + 2 * gap);
                var (clone, bookmark) = Clone(instance, payloads[batch], dueAt, now);
                var row = FromEngine(clone, instanceRow);
                snapshotBytes += row.Snapshot.Length;
                db.FlowInstances.Add(row);
                db.FlowBookmarks.Add(FromEngine(bookmark));
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            if ((start / Batch) % 10 == 9)
            {
                Console.WriteLine($"  {start + Batch:N0} runs seeded ({Stopwatch.GetElapsedTime(began).TotalSeconds:F0} s)");
            }
        }

        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        await File.WriteAllTextAsync(arguments.Required("out"), JsonSerializer.Serialize(new
        {
            templateRunId = runId,
            pending,
            far,
            dueA = due,
            dueW = due,
            dueB = due,
            dueAtA = dueAtA!.Value.ToUnixTimeMilliseconds(),
            dueAtW = (dueAtA.Value + gap).ToUnixTimeMilliseconds(),
            dueAtB = (dueAtA.Value + 2 * gap).ToUnixTimeMilliseconds(),
            seedSeconds = seconds,
            snapshotBytes = clones == 0 ? 0 : snapshotBytes / clones,
        }));
        Console.WriteLine($"Seeded {clones:N0} waiting runs (plus the template run): {due:N0} due at {dueAtA:O}, {due:N0} at {dueAtA + gap:O}, {due:N0} at {dueAtA + 2 * gap:O}, the rest 1–30 days ahead, in {seconds:F1} s");
        return 0;
    }

    /// <summary>A run the runner would have left suspended on its wait: ids as <c>FlowStepper</c> makes them (group = instance:sequence).</summary>
    private static (FlowInstance Instance, Bookmark Bookmark) Clone(FlowInstance template, JsonElement trigger, DateTimeOffset dueAt, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now).ToString("N");
        var original = template.Bookmarks[0];
        var group = $"{id}:{original.GroupId[(original.GroupId.LastIndexOf(':') + 1)..]}";
        var bookmark = original with { Id = $"{group}:0", GroupId = group, InstanceId = id, DueAt = dueAt, CreatedAt = now };
        var instance = template with
        {
            Id = id,
            TriggerEventId = $"manual:{Guid.CreateVersion7(now):N}",
            Trigger = trigger,
            Bookmarks = [bookmark],
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (instance, bookmark);
    }

    private static FlowInstanceRecord FromEngine(FlowInstance instance, FlowInstanceRecord template) => new()
    {
        Id = instance.Id,
        FlowId = instance.FlowId,
        Version = instance.Version,
        SubjectId = instance.SubjectId,
        Status = instance.Status,
        TriggerEventId = instance.TriggerEventId,
        Snapshot = JsonSerializer.Serialize(instance, SnapshotJson),
        Sequence = instance.Sequence,
        Error = template.Error,
        CreatedAt = instance.CreatedAt.UtcDateTime,
        UpdatedAt = instance.UpdatedAt.UtcDateTime,
    };

    private static FlowBookmarkRecord FromEngine(Bookmark bookmark) => new()
    {
        Id = bookmark.Id,
        GroupId = bookmark.GroupId,
        InstanceId = bookmark.InstanceId,
        FlowId = bookmark.FlowId,
        NodeId = bookmark.NodeId,
        Activation = bookmark.Activation,
        Attempt = bookmark.Attempt,
        Kind = bookmark.Kind,
        Port = bookmark.Port,
        DueAt = bookmark.DueAt?.UtcDateTime,
        EventName = bookmark.EventName,
        CorrelationKey = bookmark.CorrelationKey,
        CreatedAt = bookmark.CreatedAt.UtcDateTime,
    };
}
