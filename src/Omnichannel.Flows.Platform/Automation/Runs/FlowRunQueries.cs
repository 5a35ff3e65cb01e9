using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>A run in a list.</summary>
/// <param name="ContactName">The display name of the contact the run is for; null for a run for no contact, or one erased since.</param>
public sealed record FlowRunSummary(
    string Id, string FlowId, int Version, string? ContactId, FlowStatus Status, string? Error, DateTime CreatedAt, DateTime UpdatedAt,
    string? ContactName = null);

/// <summary>One journal entry: when, which node and activity, the inputs it resolved, how it ended.</summary>
public sealed record FlowRunStep(
    long Sequence, DateTime At, string? NodeId, string? ActivityType, long Activation, int Attempt, bool Resumed,
    string Outcome, string? Port, IReadOnlyDictionary<string, string> Inputs, string? Error);

/// <summary>A run with its whole journal and what it waits for.</summary>
public sealed record FlowRunDetails(
    FlowRunSummary Run, string TriggerEventId, IReadOnlyList<FlowRunStep> Journal, IReadOnlyList<FlowRunWait> Waits);

/// <summary>A bookmark of a suspended run: a timer (due at) or an event.</summary>
public sealed record FlowRunWait(string NodeId, string Kind, DateTime? DueAt, string? EventName);

/// <summary>A run of any flow about one contact, with its flow's name (a contact's profile lists them).</summary>
public sealed record ContactFlowRun(
    string Id, string FlowId, string FlowName, int Version, FlowStatus Status, string? Error, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A page of runs, newest first, and the cursor of the next (older) page, if there is one.</summary>
public sealed record FlowRunPage(IReadOnlyList<FlowRunSummary> Items, string? Next);

/// <summary>Which runs of a flow to list: all, or those in one state, or those about one contact.</summary>
public sealed record FlowRunFilter(FlowStatus? Status = null, Guid? ContactId = null);

/// <summary>Read side of runs for the API and the UI.</summary>
public sealed class FlowRunQueries(IDbContextFactory<FlowsDbContext> dbs)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Up to <paramref name="limit"/> runs of <paramref name="flowId"/> that match <paramref name="filter"/>, newest
    /// first, from <paramref name="after"/> on (a page's <see cref="FlowRunPage.Next"/>; null for the first page). A
    /// contact's runs include those of the profiles merged into it since. Pages are cut on (created, id), so runs
    /// created in the same instant are neither skipped nor repeated.
    /// </summary>
    /// <returns>Null when there is no such flow.</returns>
    public async Task<FlowRunPage?> ListAsync(string flowId, FlowRunFilter filter, FlowRunCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Flows.AnyAsync(f => f.Id == flowId, cancellationToken))
        {
            return null;
        }

        var take = Math.Clamp(limit, 1, MaxPageSize);
        var page = await Newest(await MatchingAsync(db, flowId, filter, cancellationToken), after).Take(take + 1)
            .Select(i => new FlowRunSummary(i.Id, i.FlowId, i.Version, i.SubjectId, i.Status, i.Error, i.CreatedAt, i.UpdatedAt, null))
            .ToListAsync(cancellationToken);
        page = await WithContactNamesAsync(db, page, cancellationToken);
        return page.Count > take
            ? new FlowRunPage(page[..take], new FlowRunCursor(page[take - 1].CreatedAt, page[take - 1].Id).Encode())
            : new FlowRunPage(page, null);
    }

    /// <summary>
    /// Runs running or waiting (read untracked), stated as the filter of the active runs index
    /// (<see cref="FlowInstanceRecordConfiguration.ActiveRuns"/>, by flow), so SQLite goes through it.
    /// </summary>
    internal static IQueryable<FlowInstanceRecord> Active(FlowsDbContext db) =>
        db.FlowInstances.AsNoTracking().Where(i => i.Status == FlowStatus.Running || i.Status == FlowStatus.Suspended);

    /// <summary>Faulted runs (read untracked), stated as the filter of the dead letter index (<see cref="FlowInstanceRecordConfiguration.FaultedRuns"/>).</summary>
    internal static IQueryable<FlowInstanceRecord> Faulted(FlowsDbContext db) =>
        db.FlowInstances.AsNoTracking().Where(i => i.Status == FlowStatus.Faulted);

    /// <summary><paramref name="runs"/> newest first, from the page cursor <paramref name="after"/> on (older runs).</summary>
    internal static IQueryable<FlowInstanceRecord> Newest(IQueryable<FlowInstanceRecord> runs, FlowRunCursor? after)
    {
        if (after is { CreatedAt: var at, Id: var id })
        {
            runs = runs.Where(i => i.CreatedAt < at || (i.CreatedAt == at && string.Compare(i.Id, id) < 0));
        }

        return runs.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
    }

    /// <summary>The runs of <paramref name="flowId"/> that match <paramref name="filter"/> (read untracked).</summary>
    internal static async Task<IQueryable<FlowInstanceRecord>> MatchingAsync(
        FlowsDbContext db, string flowId, FlowRunFilter filter, CancellationToken cancellationToken)
    {
        var runs = filter.Status switch
        {
            FlowStatus.Faulted => Faulted(db),
            { } only => db.FlowInstances.AsNoTracking().Where(i => i.Status == only),
            null => db.FlowInstances.AsNoTracking(),
        };
        runs = runs.Where(i => i.FlowId == flowId);

        if (filter.ContactId is { } contactId)
        {
            runs = await AboutAsync(db, runs, contactId, cancellationToken);
        }

        return runs;
    }

    /// <summary>
    /// The newest <paramref name="limit"/> runs of any flow about <paramref name="contactId"/> or a profile merged into
    /// it since: what automation did with this customer.
    /// </summary>
    /// <returns>Null when there is no such contact.</returns>
    public async Task<IReadOnlyList<ContactFlowRun>?> ForContactAsync(Guid contactId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Contacts.AnyAsync(c => c.Id == contactId, cancellationToken))
        {
            return null;
        }

        return await (await AboutAsync(db, db.FlowInstances.AsNoTracking(), contactId, cancellationToken))
            .Join(db.Flows, i => i.FlowId, f => f.Id, (i, f) => new { Run = i, FlowName = f.Name })
            .OrderByDescending(r => r.Run.CreatedAt).ThenByDescending(r => r.Run.Id)
            .Take(Math.Clamp(limit, 1, MaxPageSize))
            .Select(r => new ContactFlowRun(r.Run.Id, r.Run.FlowId, r.FlowName, r.Run.Version, r.Run.Status, r.Run.Error, r.Run.CreatedAt, r.Run.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Those of <paramref name="runs"/> about <paramref name="contactId"/> or a profile merged into it since.</summary>
    private static async Task<IQueryable<FlowInstanceRecord>> AboutAsync(
        FlowsDbContext db, IQueryable<FlowInstanceRecord> runs, Guid contactId, CancellationToken cancellationToken)
    {
        string[] subjects = [.. (await MergedProfiles.WithMergedInAsync(db, contactId, cancellationToken)).Select(id => id.ToString())];
        return runs.Where(i => subjects.Contains(i.SubjectId));
    }

    public async Task<FlowRunDetails?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var run = await db.FlowInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var journal = await JournalOf(db, runId).ToListAsync(cancellationToken);
        var waits = await db.FlowBookmarks.AsNoTracking().Where(b => b.InstanceId == runId).OrderBy(b => b.CreatedAt)
            .Select(b => new FlowRunWait(b.NodeId, b.Kind.ToString(), b.DueAt, b.EventName))
            .ToListAsync(cancellationToken);
        var summary = new FlowRunSummary(run.Id, run.FlowId, run.Version, run.SubjectId, run.Status, run.Error, run.CreatedAt, run.UpdatedAt);
        return new FlowRunDetails((await WithContactNamesAsync(db, [summary], cancellationToken))[0], run.TriggerEventId, journal.Select(ToStep).ToList(), waits);
    }

    /// <summary>A run's journal in the order it happened: a range of the journal's key, where a run's entries lie together.</summary>
    internal static IQueryable<FlowJournalRecord> JournalOf(FlowsDbContext db, string runId) =>
        db.FlowJournal.AsNoTracking().Where(j => j.InstanceId == runId).OrderBy(j => j.Sequence).ThenBy(j => j.At).ThenBy(j => j.Id);

    /// <summary><paramref name="runs"/> with the names of the contacts they are for, read in one query.</summary>
    private static async Task<List<FlowRunSummary>> WithContactNamesAsync(FlowsDbContext db, List<FlowRunSummary> runs, CancellationToken cancellationToken)
    {
        Guid[] ids = [.. runs.Select(r => Guid.TryParse(r.ContactId, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct()];
        if (ids.Length == 0)
        {
            return runs;
        }

        var names = await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.DisplayName })
            .ToDictionaryAsync(c => c.Id, c => c.DisplayName, cancellationToken);
        return [.. runs.Select(r => Guid.TryParse(r.ContactId, out var id) && names.TryGetValue(id, out var name) ? r with { ContactName = name } : r)];
    }

    private static FlowRunStep ToStep(FlowJournalRecord row) => new(
        row.Sequence, row.At, row.NodeId, row.ActivityType, row.Activation, row.Attempt, row.Resumed,
        row.Kind == FlowJournalKind.StartSkipped ? "skipped" : JsonNamingPolicy.CamelCase.ConvertName(row.Outcome.ToString()),
        row.Port,
        row.Inputs is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Inputs) ?? [],
        row.Error);
}
