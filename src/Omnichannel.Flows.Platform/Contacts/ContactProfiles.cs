using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Edits of a profile's own data (names, locale, time zone, custom fields) with the rules the API and the UI share.</summary>
public sealed class ContactProfiles(FlowsDbContext db, TimeProvider time)
{
    public const int MaxNameLength = 200;
    public const int MaxFieldKeyLength = 64;
    public const int MaxFieldValueLength = 2000;

    /// <summary>Changes the values that are not null; an empty string clears a name, locale or time zone.</summary>
    public async Task<Refusal?> UpdateAsync(Guid id, UpdateContactRequest request, CancellationToken cancellationToken)
    {
        if (request.DisplayName is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength))
        {
            return Refusal.Invalid("displayName", $"The display name must have 1 to {MaxNameLength} characters.");
        }

        if (request.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Refusal.Invalid("timeZone", $"'{zone}' is not a known IANA time zone.");
        }

        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken);
        if (contact is null)
        {
            return Refusal.Missing("No such contact.");
        }

        contact.DisplayName = request.DisplayName?.Trim() ?? contact.DisplayName;
        contact.FirstName = request.FirstName ?? contact.FirstName;
        contact.LastName = request.LastName ?? contact.LastName;
        contact.Locale = request.Locale ?? contact.Locale;
        contact.TimeZone = request.TimeZone ?? contact.TimeZone;
        contact.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Adds the custom field or changes its value.</summary>
    public async Task<Refusal?> SetFieldAsync(Guid id, string key, string? value, CancellationToken cancellationToken)
    {
        if (ValidateFieldKey(key) is { } problem)
        {
            return Refusal.Invalid("key", problem);
        }

        if (value is null || value.Length > MaxFieldValueLength)
        {
            return Refusal.Invalid("value", $"A field value is required and has at most {MaxFieldValueLength} characters.");
        }

        if (!await db.Contacts.AnyAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken))
        {
            return Refusal.Missing("No such contact.");
        }

        var field = await db.ContactFields.FirstOrDefaultAsync(f => f.ContactId == id && f.Key == key, cancellationToken);
        if (field is null)
        {
            db.ContactFields.Add(new ContactField { ContactId = id, Key = key, Value = value });
        }
        else
        {
            field.Value = value;
        }

        await db.Contacts.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<Refusal?> RemoveFieldAsync(Guid id, string key, CancellationToken cancellationToken) =>
        await db.ContactFields.Where(f => f.ContactId == id && f.Key == key).ExecuteDeleteAsync(cancellationToken) > 0
            ? null
            : Refusal.Missing($"The contact has no field '{key}'.");

    public static string? ValidateFieldKey(string? key) =>
        string.IsNullOrEmpty(key) || key.Length > MaxFieldKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? $"A field key has 1 to {MaxFieldKeyLength} letters, digits, '_', '-' or '.'."
            : null;
}
