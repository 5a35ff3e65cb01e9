using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>A run in a list.</summary>
public sealed record FlowRunSummary(
    string Id, string FlowId, int Version, string? ContactId, FlowStatus Status, string? Error, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>One journal entry: when, which node and activity, the inputs it resolved, how it ended.</summary>
public sealed record FlowRunStep(
    long Sequence, DateTime At, string? NodeId, string? ActivityType, long Activation, int Attempt, bool Resumed,
    string Outcome, string? Port, IReadOnlyDictionary<string, string> Inputs, string? Error);

/// <summary>A run with its whole journal and what it waits for.</summary>
public sealed record FlowRunDetails(
    FlowRunSummary Run, string TriggerEventId, IReadOnlyList<FlowRunStep> Journal, IReadOnlyList<FlowRunWait> Waits);

/// <summary>A bookmark of a suspended run: a timer (due at) or an event.</summary>
public sealed record FlowRunWait(string NodeId, string Kind, DateTime? DueAt, string? EventName);

/// <summary>Read side of runs for the API and the UI.</summary>
public sealed class FlowRunQueries(IDbContextFactory<FlowsDbContext> dbs)
{
    public const int MaxPage = 200;

    public async Task<IReadOnlyList<FlowRunSummary>> ListAsync(string flowId, FlowStatus? status, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var runs = db.FlowInstances.AsNoTracking().Where(i => i.FlowId == flowId);
        if (status is { } only)
        {
            runs = runs.Where(i => i.Status == only);
        }

        return await runs.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(Math.Clamp(take, 1, MaxPage))
            .Select(i => new FlowRunSummary(i.Id, i.FlowId, i.Version, i.SubjectId, i.Status, i.Error, i.CreatedAt, i.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<FlowRunDetails?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var run = await db.FlowInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var journal = await db.FlowJournal.AsNoTracking().Where(j => j.InstanceId == runId)
            .OrderBy(j => j.Sequence).ThenBy(j => j.At).ThenBy(j => j.Id)
            .ToListAsync(cancellationToken);
        var waits = await db.FlowBookmarks.AsNoTracking().Where(b => b.InstanceId == runId).OrderBy(b => b.CreatedAt)
            .Select(b => new FlowRunWait(b.NodeId, b.Kind.ToString(), b.DueAt, b.EventName))
            .ToListAsync(cancellationToken);
        return new FlowRunDetails(
            new FlowRunSummary(run.Id, run.FlowId, run.Version, run.SubjectId, run.Status, run.Error, run.CreatedAt, run.UpdatedAt),
            run.TriggerEventId, journal.Select(ToStep).ToList(), waits);
    }

    private static FlowRunStep ToStep(FlowJournalRecord row) => new(
        row.Sequence, row.At, row.NodeId, row.ActivityType, row.Activation, row.Attempt, row.Resumed,
        row.Kind == FlowJournalKind.StartSkipped ? "skipped" : JsonNamingPolicy.CamelCase.ConvertName(row.Outcome.ToString()),
        row.Port,
        row.Inputs is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Inputs) ?? [],
        row.Error);
}
