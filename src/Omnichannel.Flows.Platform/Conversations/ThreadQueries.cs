using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>Reads a customer's one thread across channels: newest first, paged by the time messages were sent.</summary>
public sealed class ThreadQueries(FlowsDbContext db, ContactQueries contacts)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Up to <paramref name="limit"/> messages sent before <paramref name="before"/> (all when null), newest first.
    /// A page never splits messages sent at the same instant (it grows instead), so paging on
    /// <see cref="ThreadPage.NextBefore"/> skips none of them.
    /// </summary>
    /// <returns>Null when there is no such contact; a merged-away id reads the surviving profile's thread.</returns>
    public async Task<ThreadPage?> PageAsync(Guid contactId, DateTime? before, int limit, CancellationToken cancellationToken)
    {
        var survivor = await contacts.ResolveSurvivorAsync(contactId, cancellationToken);
        if (survivor is null)
        {
            return null;
        }

        var take = Math.Clamp(limit, 1, MaxPageSize);
        var query = db.Messages.AsNoTracking().Where(m => m.ContactId == survivor.Value);
        if (before is { } cursor)
        {
            var utc = cursor.Kind == DateTimeKind.Local ? cursor.ToUniversalTime() : DateTime.SpecifyKind(cursor, DateTimeKind.Utc);
            query = query.Where(m => m.SentAt < utc);
        }

        var page = await query.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        if (page.Count <= take)
        {
            return new ThreadPage([.. page.Select(MessageView.From)], null);
        }

        var items = page.Take(take).ToList();
        var oldest = items[^1].SentAt;
        var shown = items.Select(m => m.Id).ToList();
        var sameInstant = await query.Where(m => m.SentAt == oldest && !shown.Contains(m.Id))
            .OrderByDescending(m => m.Id).ToListAsync(cancellationToken);
        items.AddRange(sameInstant);
        var more = await query.AnyAsync(m => m.SentAt < oldest, cancellationToken);
        return new ThreadPage([.. items.Select(MessageView.From)], more ? oldest : null);
    }

    /// <summary>The internal notes on the thread, newest first: up to <paramref name="limit"/> written before <paramref name="before"/>.</summary>
    /// <returns>Null when there is no such contact; a merged-away id reads the surviving profile's notes.</returns>
    public async Task<IReadOnlyList<NoteView>?> NotesAsync(Guid contactId, DateTime? before, int limit, CancellationToken cancellationToken)
    {
        if (await contacts.ResolveSurvivorAsync(contactId, cancellationToken) is not { } survivor)
        {
            return null;
        }

        var query = db.ConversationNotes.AsNoTracking().Where(n => n.ContactId == survivor);
        if (before is { } cursor)
        {
            var utc = cursor.Kind == DateTimeKind.Local ? cursor.ToUniversalTime() : DateTime.SpecifyKind(cursor, DateTimeKind.Utc);
            query = query.Where(n => n.CreatedAt < utc);
        }

        var notes = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(limit, 1, MaxPageSize))
            .ToListAsync(cancellationToken);
        return [.. notes.Select(NoteView.From)];
    }

    public async Task<MessageView?> MessageAsync(Guid messageId, CancellationToken cancellationToken) =>
        await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId, cancellationToken) is { } message
            ? MessageView.From(message)
            : null;

    public Task<int> CountAsync(Guid contactId, CancellationToken cancellationToken) =>
        db.Messages.CountAsync(m => m.ContactId == contactId, cancellationToken);
}
