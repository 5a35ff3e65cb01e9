using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Reads of profiles for the API and the UI: paged, filtered in the database.</summary>
public sealed class ContactQueries(FlowsDbContext db)
{
    public const int MaxPageSize = 100;

    // Compiled: every flow step that acts on a contact follows merges first.
    private static readonly Func<FlowsDbContext, Guid, CancellationToken, Task<MergedInto?>> MergedIntoOf =
        EF.CompileAsyncQuery((FlowsDbContext db, Guid id, CancellationToken _) =>
            db.Contacts.AsNoTracking().Where(c => c.Id == id).Select(c => new MergedInto(c.MergedIntoId)).FirstOrDefault());

    public async Task<ContactPage> ListAsync(string? search, string? tag, int page, int pageSize, CancellationToken cancellationToken)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.Contacts.AsNoTracking().Where(c => c.MergedIntoId == null);

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
            var phonePattern = digits.Length >= 3 ? $"%{digits}%" : null;
            query = query.Where(c =>
                EF.Functions.Like(c.DisplayName, pattern, "\\") ||
                c.Emails.Any(e => EF.Functions.Like(e.Address, pattern, "\\")) ||
                (phonePattern != null && c.Phones.Any(p => EF.Functions.Like(p.Number, phonePattern))) ||
                c.Identities.Any(i => EF.Functions.Like(i.ExternalId, pattern, "\\") || EF.Functions.Like(i.Handle!, pattern, "\\")));
        }

        if (ContactTags.Normalize(tag) is { } normalizedTag)
        {
            query = query.Where(c => c.Tags.Any(t => t.Tag == normalizedTag));
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new ContactSummary(
                c.Id, c.DisplayName,
                c.Phones.OrderBy(p => p.AddedAt).Select(p => p.Number).ToList(),
                c.Emails.OrderBy(e => e.AddedAt).Select(e => e.Address).ToList(),
                c.Identities.OrderBy(i => i.CreatedAt).Select(i => new IdentityView(i.Channel, i.ExternalId, i.DisplayName, i.Handle)).ToList(),
                c.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList()))
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return new ContactPage(items, total, page, pageSize);
    }

    /// <summary>The profile, following merges: asking for a merged-away id answers with the surviving profile.</summary>
    public async Task<ContactDetails?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var survivor = await ResolveSurvivorAsync(id, cancellationToken);
        if (survivor is null)
        {
            return null;
        }

        var contact = await db.Contacts.AsNoTracking()
            .Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Identities).Include(c => c.Tags).Include(c => c.Fields)
            .AsSplitQuery()
            .FirstAsync(c => c.Id == survivor.Value, cancellationToken);
        return new ContactDetails(
            contact.Id, contact.DisplayName, contact.FirstName, contact.LastName, contact.Locale, contact.TimeZone,
            [.. contact.Phones.OrderBy(p => p.AddedAt).Select(p => new PhoneView(p.Number, p.Verified))],
            [.. contact.Emails.OrderBy(e => e.AddedAt).Select(e => new EmailView(e.Address, e.Verified))],
            [.. contact.Identities.OrderBy(i => i.CreatedAt).Select(i => new IdentityView(i.Channel, i.ExternalId, i.DisplayName, i.Handle))],
            [.. contact.Tags.OrderBy(t => t.Tag).Select(t => t.Tag)],
            contact.Fields.OrderBy(f => f.Key).ToDictionary(f => f.Key, f => f.Value),
            contact.CreatedAt, contact.UpdatedAt);
    }

    /// <summary>Follows <see cref="Contact.MergedIntoId"/> to the profile that holds the data now.</summary>
    public async Task<Guid?> ResolveSurvivorAsync(Guid id, CancellationToken cancellationToken)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            var row = await MergedIntoOf(db, id, cancellationToken);
            if (row is null)
            {
                return null;
            }

            if (row.MergedIntoId is not { } next)
            {
                return id;
            }

            id = next;
        }

        return null;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private sealed record MergedInto(Guid? MergedIntoId);
}
