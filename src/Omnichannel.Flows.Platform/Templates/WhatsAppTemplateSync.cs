using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>What a sync changed; <see cref="Listed"/> is how many templates Meta lists.</summary>
public sealed record TemplateSyncResult(int Added, int Updated, int Deleted, int Listed);

/// <summary>
/// Brings the WhatsApp template catalog in line with what Meta lists for the business account: new templates are added,
/// changed ones updated, and those Meta no longer lists become <see cref="TemplateStatus.Deleted"/> (kept, because
/// messages may name them). Every page is read before anything is written, and the change is saved at once, so a
/// failure part-way leaves the catalog as it was. Runs on demand and hourly (<see cref="JobId"/>).
/// </summary>
public sealed class WhatsAppTemplateSync(
    FlowsDbContext db, WhatsAppTemplateGraph graph, TemplateSyncGate gate, TimeProvider time, ILogger<WhatsAppTemplateSync> logger)
{
    public const string JobId = "whatsapp-template-sync";

    /// <returns>The counts, or why nothing was synced: no business account, or Meta's error.</returns>
    public async Task<(TemplateSyncResult? Result, TemplateProblem? Problem)> SyncAsync(CancellationToken cancellationToken)
    {
        if (graph.Unavailable() is { } reason)
        {
            return (null, new TemplateProblem(TemplateProblemKind.NoBusinessAccount, reason));
        }

        await gate.Semaphore.WaitAsync(cancellationToken);
        try
        {
            var (listed, failure) = await graph.ListAsync(cancellationToken);
            if (failure is not null)
            {
                logger.LogWarning("WhatsApp template sync failed: {GraphErrorCode} {GraphErrorMessage}", failure.Code, failure.Message);
                return (null, TemplateProblem.FromGraph(failure, refusedIsFinal: false));
            }

            return (await ApplyAsync(listed, cancellationToken), null);
        }
        finally
        {
            gate.Semaphore.Release();
        }
    }

    /// <summary>The hourly job: a channel without a business account has nothing to sync, and Meta's failures are logged, not thrown (the next hour tries again).</summary>
    public async Task RunScheduledAsync(CancellationToken cancellationToken)
    {
        var (_, problem) = await SyncAsync(cancellationToken);
        if (problem is { Kind: TemplateProblemKind.NoBusinessAccount })
        {
            logger.LogDebug("Scheduled WhatsApp template sync skipped: {Reason}", problem.Message);
        }
    }

    private async Task<TemplateSyncResult> ApplyAsync(IReadOnlyList<TemplateSnapshot> listed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var stored = await db.MessageTemplates.Where(t => t.Channel == ChannelKind.WhatsApp).ToListAsync(cancellationToken);
        var byKey = stored.ToDictionary(t => (t.Name, t.Language));
        int added = 0, updated = 0, deleted = 0;
        var seen = new HashSet<(string, string)>();
        foreach (var snapshot in listed)
        {
            if (!seen.Add((snapshot.Name, snapshot.Language)))
            {
                continue;
            }

            if (snapshot.Category is null || snapshot.Status is null)
            {
                logger.LogWarning("Template {TemplateName} ({Language}) has a category or status we do not know; keeping what we had",
                    snapshot.Name, snapshot.Language);
            }

            if (byKey.TryGetValue((snapshot.Name, snapshot.Language), out var template))
            {
                if (snapshot.ApplyTo(template))
                {
                    template.UpdatedAt = now;
                    updated++;
                }
            }
            else
            {
                template = snapshot.ToTemplate(now);
                db.MessageTemplates.Add(template);
                added++;
            }

            template.LastSyncedAt = now;
        }

        foreach (var gone in stored.Where(t => t.Status != TemplateStatus.Deleted && !seen.Contains((t.Name, t.Language))))
        {
            gone.Status = TemplateStatus.Deleted;
            gone.UpdatedAt = now;
            deleted++;
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Synced {TemplateCount} WhatsApp templates: {Added} added, {Updated} updated, {Deleted} deleted",
            seen.Count, added, updated, deleted);
        return new TemplateSyncResult(added, updated, deleted, seen.Count);
    }
}

/// <summary>One sync at a time in this process: the scheduled one and an admin's must not insert the same template twice.</summary>
public sealed class TemplateSyncGate : IDisposable
{
    public SemaphoreSlim Semaphore { get; } = new(1, 1);

    public void Dispose() => Semaphore.Dispose();
}
