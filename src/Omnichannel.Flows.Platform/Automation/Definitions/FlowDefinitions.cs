using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Engine.Validation;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Timers;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>A version was saved (or published); <paramref name="Revision"/> is the flow's revision now (<see cref="FlowRevision"/>).</summary>
public sealed record FlowSaved(string Id, int Version, bool Published, string Revision);

/// <summary>Why a save or publish did not happen.</summary>
public enum FlowSaveFailure
{
    /// <summary>The document has errors, each with its JSON pointer.</summary>
    Invalid,

    /// <summary>No such flow, or no such version of it.</summary>
    NotFound,

    /// <summary>Another save or publish of the same flow came in at the same moment: nothing was saved; try again.</summary>
    Conflict,

    /// <summary>The flow changed since the revision the change was based on (<c>If-Match</c>): nothing was saved.</summary>
    Stale,
}

/// <summary>Why a save did not happen: what failed, with the errors (each with its JSON pointer) or the reason.</summary>
public sealed record FlowSaveProblem(IReadOnlyList<FlowValidationError> Errors, FlowSaveFailure Failure = FlowSaveFailure.Invalid)
{
    /// <summary>The flow's revision now, for <see cref="FlowSaveFailure.Stale"/>.</summary>
    public string? CurrentRevision { get; init; }

    public bool NotFound => Failure == FlowSaveFailure.NotFound;

    /// <summary>The first error's message: the reason, for a failure that is not about the document.</summary>
    public string Message => Errors.Count > 0 ? Errors[0].Message : Failure.ToString();

    internal static FlowSaveProblem Missing(string message) => new([new FlowValidationError("", message)], FlowSaveFailure.NotFound);
}

/// <summary>
/// The lifecycle of flow definitions: import and draft edits (validated against the schema and the activity catalog,
/// stored in canonical form, all or nothing), publish (new runs start on that version; running ones stay on theirs),
/// disable (no new runs, active runs cancelled) and export (the stored document, so import(export(x)) = x).
/// </summary>
public sealed partial class FlowDefinitions(
    IDbContextFactory<FlowsDbContext> dbs, FlowValidator validator, DisabledFlowRuns disabledRuns, FlowTimerPump timers, TimeProvider time,
    ILogger<FlowDefinitions> logger)
{
    /// <summary>The largest flow document accepted (by the API, the flows page and the command line): 500 nodes fit many times over.</summary>
    public const int MaxDocumentCharacters = 1024 * 1024;

    /// <summary>
    /// Saves <paramref name="json"/> as a new version: of the flow its <c>id</c> names if that exists, else of a new flow
    /// (with an id made from its name when it has none). The submitted <c>version</c> is replaced by the next number.
    /// </summary>
    public async Task<(FlowSaved? Saved, FlowSaveProblem? Problem)> ImportAsync(string json, bool publish, string? user, CancellationToken cancellationToken)
    {
        if (!TryParse(json, "body", out var document, out var problem))
        {
            return (null, problem);
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var id = document["id"] is JsonValue value && value.TryGetValue<string>(out var given) && given.Length > 0
            ? given
            : await NewIdAsync(db, document["name"] is JsonValue name && name.TryGetValue<string>(out var text) ? text : null, cancellationToken);
        document["id"] = id;
        return await SaveVersionAsync(db, id, document, replaceDraft: false, publish, user, basedOn: null, cancellationToken);
    }

    /// <summary>The errors <see cref="ImportAsync"/> would answer for <paramref name="json"/>, saving nothing (a folder is checked whole first).</summary>
    public IReadOnlyList<FlowValidationError> CheckImport(string json)
    {
        if (!TryParse(json, "file", out var document, out var problem))
        {
            return problem.Errors;
        }

        document["id"] ??= "new-flow";
        document["version"] = 1;
        return validator.Validate(document.ToJsonString()).Errors;
    }

    /// <summary>Every flow's id.</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Flows.AsNoTracking().OrderBy(f => f.Id).Select(f => f.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Saves the draft of an existing flow (PUT): replaces its current draft, or starts one after the published version.</summary>
    /// <param name="basedOn">
    /// The <c>If-Match</c> of the request: the revision the edit is based on (<see cref="FlowRevision"/>). A flow saved
    /// since is left as it is (<see cref="FlowSaveFailure.Stale"/>). Null saves whatever the flow holds now.
    /// </param>
    public async Task<(FlowSaved? Saved, FlowSaveProblem? Problem)> SaveDraftAsync(
        string id, string json, string? user, CancellationToken cancellationToken, string? basedOn = null)
    {
        if (!TryParse(json, "body", out var document, out var problem))
        {
            return (null, problem);
        }

        if (document["id"] is JsonValue value && value.TryGetValue<string>(out var given) && given != id)
        {
            return (null, Invalid("/id", $"The document's id '{given}' is not the flow's id '{id}'."));
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Flows.AnyAsync(f => f.Id == id, cancellationToken))
        {
            return (null, FlowSaveProblem.Missing($"No flow '{id}'."));
        }

        document["id"] = id;
        return await SaveVersionAsync(db, id, document, replaceDraft: true, publish: false, user, basedOn, cancellationToken);
    }

    /// <summary>Publishes <paramref name="version"/> (default: the latest) and makes the flow active.</summary>
    /// <param name="basedOn">As for <see cref="SaveDraftAsync"/>: the revision the editor reviewed, or null.</param>
    public async Task<(FlowSaved? Saved, FlowSaveProblem? Problem)> PublishAsync(
        string id, int? version, string? user, CancellationToken cancellationToken, string? basedOn = null)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var flow = await db.Flows.Include(f => f.Versions).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        var target = flow?.Versions.Where(v => version is null || v.Version == version).MaxBy(v => v.Version);
        if (flow is null || target is null)
        {
            return (null, FlowSaveProblem.Missing(flow is null || version is null ? $"No flow '{id}'." : $"Flow '{id}' has no version {version}."));
        }

        if (StaleProblem(flow, basedOn) is { } stale)
        {
            return (null, stale);
        }

        Publish(flow, target, user);
        flow.Status = FlowState.Active;
        if (await CollisionAsync(db, id, target.Version, cancellationToken) is { } collision)
        {
            return (null, collision);
        }

        timers.Wake(DateTime.MinValue); // arm its schedules now
        logger.LogInformation("Flow {FlowId} v{Version} published by {User}", id, target.Version, user);
        return (new FlowSaved(id, target.Version, true, FlowRevision.Of(flow.Versions.MaxBy(v => v.Version)!)), null);
    }

    /// <summary>
    /// Stops the flow: it starts no runs, and its active runs are cancelled (journaled) by a job (<see cref="DisabledFlowRuns"/>).
    /// </summary>
    /// <returns>How many runs were active, to be cancelled; null when there is no such flow.</returns>
    public async Task<int?> DisableAsync(string id, string? user, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var flow = await db.Flows.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (flow is null)
        {
            return null;
        }

        flow.Status = FlowState.Disabled;
        flow.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        var active = await DisabledFlowRuns.Active(db, id).CountAsync(cancellationToken);
        if (active > 0)
        {
            disabledRuns.Enqueue(id);
        }

        logger.LogInformation("Flow {FlowId} disabled by {User}; cancelling its {RunCount} active runs", id, user, active);
        return active;
    }

    /// <summary>The stored document of <paramref name="version"/> (default: the published one, else the latest).</summary>
    public async Task<string?> ExportAsync(string id, int? version, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var published = await db.Flows.Where(f => f.Id == id).Select(f => f.PublishedVersion).FirstOrDefaultAsync(cancellationToken);
        var versions = db.FlowVersions.AsNoTracking().Where(v => v.FlowId == id);
        var wanted = version ?? published;
        versions = wanted is { } number ? versions.Where(v => v.Version == number) : versions.OrderByDescending(v => v.Version);
        return await versions.Select(v => v.Json).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<(FlowSaved?, FlowSaveProblem?)> SaveVersionAsync(FlowsDbContext db, string id, JsonObject document, bool replaceDraft,
        bool publish, string? user, string? basedOn, CancellationToken cancellationToken)
    {
        var flow = await db.Flows.Include(f => f.Versions).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (flow is not null && StaleProblem(flow, basedOn) is { } stale)
        {
            return (null, stale);
        }

        var latest = flow?.Versions.MaxBy(v => v.Version);
        var draft = replaceDraft && latest is { Status: FlowVersionState.Draft } ? latest : null;
        var number = draft?.Version ?? (latest?.Version ?? 0) + 1;
        document["version"] = number;
        var result = validator.Validate(document.ToJsonString());
        if (!result.IsValid)
        {
            return (null, new FlowSaveProblem(result.Errors));
        }

        var definition = result.Definition!;
        var now = time.GetUtcNow().UtcDateTime;
        if (flow is null)
        {
            flow = new Flow { Id = id, Name = definition.Name, CreatedAt = now, CreatedBy = user };
            db.Flows.Add(flow);
        }

        flow.Name = definition.Name;
        flow.Description = definition.Description;
        flow.UpdatedAt = now;
        var canonical = FlowJsonWriter.Write(definition);
        if (draft is null)
        {
            draft = new FlowVersion { FlowId = id, Version = number, Status = FlowVersionState.Draft, Json = canonical };
            flow.Versions.Add(draft);
        }

        draft.Json = canonical;
        draft.CreatedAt = now;
        draft.CreatedBy = user;
        if (publish)
        {
            Publish(flow, draft, user);
        }

        if (await CollisionAsync(db, id, number, cancellationToken) is { } collision)
        {
            return (null, collision);
        }

        if (publish)
        {
            timers.Wake(DateTime.MinValue); // arm its schedules now
        }

        logger.LogInformation("Flow {FlowId} v{Version} saved by {User}{Published}", id, number, user, publish ? " and published" : "");
        return (new FlowSaved(id, number, publish, FlowRevision.Of(draft)), null);
    }

    /// <summary>
    /// Why a change based on <paramref name="basedOn"/> must not be made to <paramref name="flow"/>: it was saved since
    /// (null: it may, or the change is not based on a revision).
    /// </summary>
    private static FlowSaveProblem? StaleProblem(Flow flow, string? basedOn)
    {
        var latest = flow.Versions.MaxBy(v => v.Version);
        if (latest is null || FlowRevision.Allows(basedOn, FlowRevision.Of(latest)))
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture,
            $"Flow '{flow.Id}' changed since you read it: version {latest.Version} was saved by {latest.CreatedBy ?? "someone"} at " +
            $"{latest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC. Read it again, then redo your change on top of it.");
        return new FlowSaveProblem([new FlowValidationError("", message)], FlowSaveFailure.Stale) { CurrentRevision = FlowRevision.Of(latest) };
    }

    /// <summary>
    /// Saves, and answers a conflict when another save or publish of the flow came in between its read and this save: the
    /// same new version number taken, or the version this one replaces or publishes changed (its document and state are
    /// concurrency tokens). Nothing of this save is kept then.
    /// </summary>
    private async Task<FlowSaveProblem?> CollisionAsync(FlowsDbContext db, string id, int version, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException exception)
        {
            logger.LogWarning(exception, "Saving flow {FlowId} v{Version} collided with another save", id, version);
            return new FlowSaveProblem(
                [new FlowValidationError("/version", $"Version {version} of flow '{id}' was saved or published by someone else at the same time; nothing was saved. Try again.")],
                FlowSaveFailure.Conflict);
        }
    }

    private void Publish(Flow flow, FlowVersion version, string? user)
    {
        version.Status = FlowVersionState.Published;
        version.PublishedAt = time.GetUtcNow().UtcDateTime;
        version.PublishedBy = user;
        flow.PublishedVersion = version.Version;
        flow.UpdatedAt = version.PublishedAt.Value;
    }

    /// <summary>A free id made from the flow's name (<c>Welcome new leads</c> → <c>welcome-new-leads</c>, then <c>-2</c>, <c>-3</c>…).</summary>
    private static async Task<string> NewIdAsync(FlowsDbContext db, string? name, CancellationToken cancellationToken)
    {
        var stem = NotIdCharacters().Replace((name ?? "").Trim().ToLowerInvariant(), "-").Trim('-', '.', '_');
        stem = stem.Length == 0 ? "flow" : stem[..Math.Min(stem.Length, 90)];
        var taken = await db.Flows.Where(f => f.Id == stem || f.Id.StartsWith(stem + "-")).Select(f => f.Id).ToListAsync(cancellationToken);
        var id = stem;
        for (var n = 2; taken.Contains(id, StringComparer.Ordinal); n++)
        {
            id = $"{stem}-{n}";
        }

        return id;
    }

    /// <summary>The flow document in <paramref name="json"/>, or what is wrong with it (where the JSON breaks, by line and position).</summary>
    /// <param name="what">What the text is called in the message: the request's body, a file of a folder.</param>
    private static bool TryParse(
        string json, string what, [NotNullWhen(true)] out JsonObject? document, [NotNullWhen(false)] out FlowSaveProblem? problem)
    {
        string message;
        if (json.Length > MaxDocumentCharacters)
        {
            (document, problem) = (null, Invalid("", $"The {what} is larger than {MaxDocumentCharacters / 1024:N0} K characters; a flow document is a few kilobytes."));
            return false;
        }

        try
        {
            var node = JsonNode.Parse(json);
            if (node is JsonObject parsed)
            {
                (document, problem) = (parsed, null);
                return true;
            }

            message = node is null
                ? $"The {what} is JSON null, not a flow document (a JSON object)."
                : $"The {what} is a JSON {node.GetValueKind().ToString().ToLowerInvariant()}, not a flow document (a JSON object).";
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line
                ? $" at line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1}"
                : "";
            message = $"The {what} is not valid JSON{where}: {FirstSentence(exception.Message)}";
        }

        (document, problem) = (null, Invalid("", message));
        return false;
    }

    /// <summary>System.Text.Json's message up to its own "LineNumber: … | BytePositionInLine: …" tail, which the message says better.</summary>
    private static string FirstSentence(string message) =>
        message.IndexOf(" LineNumber:", StringComparison.Ordinal) is var tail and > 0 ? message[..tail].TrimEnd() : message;

    private static FlowSaveProblem Invalid(string path, string message) => new([new FlowValidationError(path, message)]);

    [GeneratedRegex("[^a-z0-9_.-]+")]
    private static partial Regex NotIdCharacters();
}
