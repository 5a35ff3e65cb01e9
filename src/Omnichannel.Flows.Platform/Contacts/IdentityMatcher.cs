using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>
/// Finds the profile a channel identity belongs to, or creates it. Profiles are joined automatically only on what the
/// channel itself proves (the phone a WhatsApp/SMS message came from, an email's sender address, a phone a Telegram
/// user shared, an address the website vouched for). When a proven identifier already belongs to a different profile,
/// the two are not merged silently: a merge suggestion is raised.
/// </summary>
public sealed class IdentityMatcher(PhoneNumberNormalizer phoneNumbers, MergeSuggestions suggestions, TimeProvider time, ILogger<IdentityMatcher> logger)
{
    // A loaded profile is the contact with its phones, emails and identities, in one statement: a profile has a handful of
    // each, so the joined rows stay few. Matching reads and changes all three; the queries below load exactly that.
    //
    // Compiled: the profile is loaded for every inbound message. A customer writing again is found through the identity
    // in the same statement (an uncorrelated subquery: one index lookup, then the profile by key).
    private static readonly Func<FlowsDbContext, ChannelKind, string, CancellationToken, Task<Contact?>> ProfileByIdentity =
        EF.CompileAsyncQuery((FlowsDbContext db, ChannelKind channel, string externalId, CancellationToken _) => db.Contacts
            .Include(c => c.Phones)
            .Include(c => c.Emails)
            .Include(c => c.Identities)
            .AsSingleQuery()
            .FirstOrDefault(c => c.Id == db.ChannelIdentities
                .Where(i => i.Channel == channel && i.ExternalId == externalId).Select(i => i.ContactId).FirstOrDefault()));

    private static readonly Func<FlowsDbContext, Guid, CancellationToken, Task<Contact>> ProfileOf =
        EF.CompileAsyncQuery((FlowsDbContext db, Guid id, CancellationToken _) => db.Contacts
            .Include(c => c.Phones)
            .Include(c => c.Emails)
            .Include(c => c.Identities)
            .AsSingleQuery()
            .First(c => c.Id == id));

    // Compiled: every message from a new sender asks who owns its phone (or email) as a verified identifier.
    private static readonly Func<FlowsDbContext, string, CancellationToken, Task<Guid?>> VerifiedPhoneOwner =
        EF.CompileAsyncQuery((FlowsDbContext db, string matchKey, CancellationToken _) => db.ContactPhones
            .Where(p => p.MatchKey == matchKey && p.Verified).OrderBy(p => p.AddedAt).Select(p => (Guid?)p.ContactId).FirstOrDefault());

    private static readonly Func<FlowsDbContext, string, CancellationToken, Task<Guid?>> VerifiedEmailOwner =
        EF.CompileAsyncQuery((FlowsDbContext db, string address, CancellationToken _) => db.ContactEmails
            .Where(e => e.Address == address && e.Verified).OrderBy(e => e.AddedAt).Select(e => (Guid?)e.ContactId).FirstOrDefault());

    /// <summary>
    /// The profiles of <paramref name="ids"/>, loaded as matching needs them (see <see cref="KnownProfile"/>), by id: a
    /// query per table, where one query joining the three lists would return every combination of their rows.
    /// </summary>
    public static Task<Dictionary<Guid, Contact>> LoadProfilesAsync(FlowsDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        Guid[] wanted = [.. ids];
        return db.Contacts
            .Include(c => c.Phones)
            .Include(c => c.Emails)
            .Include(c => c.Identities)
            .AsSplitQuery()
            .Where(c => wanted.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken);
    }

    /// <param name="known">
    /// The profile the caller already knows the customer's one id belongs to (or that it has none yet), so it is not
    /// looked up again; null to look it up. Ignored when the customer has several ids.
    /// </param>
    public async Task<MatchedIdentity> ResolveAsync(
        FlowsDbContext db, ChannelKind channel, CustomerIdentity customer, KnownProfile? known, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var phone = phoneNumbers.Normalize(customer.ProvenPhone);
        var email = EmailAddresses.Normalize(customer.ProvenEmail);
        string[] externalIds = [customer.ExternalId, .. customer.AlternateIds.Where(id => !string.IsNullOrEmpty(id))];

        Contact? contact = null;
        List<ChannelIdentity> found;
        if (externalIds.Length == 1)
        {
            contact = known is { } profile ? profile.Contact : await ProfileByIdentity(db, channel, customer.ExternalId, cancellationToken);
            found = contact is null ? [] : [.. contact.Identities.Where(i => i.Channel == channel && i.ExternalId == customer.ExternalId)];
        }
        else
        {
            found = await db.ChannelIdentities.Where(i => i.Channel == channel && externalIds.Contains(i.ExternalId)).ToListAsync(cancellationToken);
        }

        var identity = found.FirstOrDefault(i => i.ExternalId == customer.ExternalId) ?? found.FirstOrDefault();
        // Who owns the phone and the email, once asked here: adding them to the profile below need not ask again.
        OwnerLookup? phoneOwner = null, emailOwner = null;
        if (identity is not null)
        {
            contact ??= await ProfileOf(db, identity.ContactId, cancellationToken);
        }
        else
        {
            phoneOwner = new OwnerLookup(await FindByPhoneAsync(db, phone, cancellationToken));
            if (phoneOwner.Value.Owner is null)
            {
                emailOwner = new OwnerLookup(await FindByEmailAsync(db, email, cancellationToken));
            }

            contact = phoneOwner.Value.Owner ?? emailOwner?.Owner ?? CreateContact(db, channel, customer, phone ?? email, now);
            logger.LogInformation("New {Channel} identity joins contact {ContactId}", channel, contact.Id);
        }

        foreach (var externalId in externalIds.Where(id => found.All(k => k.ExternalId != id)))
        {
            var added = new ChannelIdentity { Channel = channel, ExternalId = externalId, ContactId = contact.Id, CreatedAt = now, LastSeenAt = now };
            contact.Identities.Add(added);
            // Added explicitly: found only through a loaded contact's collection, a new row with its key already set
            // would be taken for an existing one and updated (0 rows) instead of inserted.
            db.ChannelIdentities.Add(added);
            identity ??= added;
        }

        identity!.Seen(customer, now);
        contact.FillNamesFrom(customer);

        if (phone is not null)
        {
            await AddPhoneAsync(db, contact, phone, verified: true, now, phoneOwner, cancellationToken);
        }

        if (email is not null)
        {
            await AddEmailAsync(db, contact, email, verified: true, now, emailOwner, cancellationToken);
        }

        return new MatchedIdentity(contact, identity);
    }

    /// <summary>
    /// Adds a phone/email to <paramref name="contact"/>. A verified one that another profile already owns raises a
    /// suggestion; an unverified claim is kept on this profile only and raises a suggestion when another profile owns it.
    /// </summary>
    public Task AddPhoneAsync(FlowsDbContext db, Contact contact, string e164, bool verified, DateTime now, CancellationToken cancellationToken) =>
        AddPhoneAsync(db, contact, e164, verified, now, ownerLookup: null, cancellationToken);

    public Task AddEmailAsync(FlowsDbContext db, Contact contact, string address, bool verified, DateTime now, CancellationToken cancellationToken) =>
        AddEmailAsync(db, contact, address, verified, now, ownerLookup: null, cancellationToken);

    /// <param name="ownerLookup">Who owns the phone, when the caller asked already (and added nothing since that changes it).</param>
    private async Task AddPhoneAsync(FlowsDbContext db, Contact contact, string e164, bool verified, DateTime now, OwnerLookup? ownerLookup,
        CancellationToken cancellationToken)
    {
        var key = PhoneNumberNormalizer.MatchKey(e164);
        if (contact.Phones.Any(p => p.MatchKey == key && (p.Verified || !verified)))
        {
            // Already on this profile as it is (the common case: a customer writing again).
            return;
        }

        var owner = ownerLookup is { } known ? known.Owner : await FindByPhoneAsync(db, e164, cancellationToken);
        if (owner is not null && owner.Id != contact.Id)
        {
            await suggestions.RaiseAsync(db, contact.Id, owner.Id,
                verified ? MergeSuggestionReason.SharedIdentifier : MergeSuggestionReason.UnverifiedClaim, e164, cancellationToken);
            if (verified)
            {
                return;
            }
        }

        var existing = contact.Phones.FirstOrDefault(p => p.MatchKey == key);
        if (existing is null)
        {
            var phone = new ContactPhone { ContactId = contact.Id, Number = e164, MatchKey = key, Verified = verified, AddedAt = now };
            contact.Phones.Add(phone);
            db.ContactPhones.Add(phone);
        }
        else if (verified && !existing.Verified)
        {
            existing.Verified = true;
        }
    }

    /// <param name="ownerLookup">Who owns the address, when the caller asked already (and added nothing since that changes it).</param>
    private async Task AddEmailAsync(FlowsDbContext db, Contact contact, string address, bool verified, DateTime now, OwnerLookup? ownerLookup,
        CancellationToken cancellationToken)
    {
        if (contact.Emails.Any(e => e.Address == address && (e.Verified || !verified)))
        {
            return;
        }

        var owner = ownerLookup is { } known ? known.Owner : await FindByEmailAsync(db, address, cancellationToken);
        if (owner is not null && owner.Id != contact.Id)
        {
            await suggestions.RaiseAsync(db, contact.Id, owner.Id,
                verified ? MergeSuggestionReason.SharedIdentifier : MergeSuggestionReason.UnverifiedClaim, address, cancellationToken);
            if (verified)
            {
                return;
            }
        }

        var existing = contact.Emails.FirstOrDefault(e => e.Address == address);
        if (existing is null)
        {
            var email = new ContactEmail { ContactId = contact.Id, Address = address, Verified = verified, AddedAt = now };
            contact.Emails.Add(email);
            db.ContactEmails.Add(email);
        }
        else if (verified && !existing.Verified)
        {
            existing.Verified = true;
        }
    }

    /// <summary>The profile that owns <paramref name="e164"/> as a verified number (the oldest, should there be several).</summary>
    public async Task<Contact?> FindByPhoneAsync(FlowsDbContext db, string? e164, CancellationToken cancellationToken)
    {
        if (e164 is null)
        {
            return null;
        }

        var key = PhoneNumberNormalizer.MatchKey(e164);
        var local = db.Contacts.Local.FirstOrDefault(c => c.Phones.Any(p => p.MatchKey == key && p.Verified));
        if (local is not null)
        {
            return local;
        }

        var id = await VerifiedPhoneOwner(db, key, cancellationToken);
        return id is null ? null : await ProfileOf(db, id.Value, cancellationToken);
    }

    public async Task<Contact?> FindByEmailAsync(FlowsDbContext db, string? address, CancellationToken cancellationToken)
    {
        if (address is null)
        {
            return null;
        }

        var local = db.Contacts.Local.FirstOrDefault(c => c.Emails.Any(e => e.Address == address && e.Verified));
        if (local is not null)
        {
            return local;
        }

        var id = await VerifiedEmailOwner(db, address, cancellationToken);
        return id is null ? null : await ProfileOf(db, id.Value, cancellationToken);
    }

    private static Contact CreateContact(FlowsDbContext db, ChannelKind channel, CustomerIdentity customer, string? identifier, DateTime now)
    {
        var contact = new Contact
        {
            DisplayName = customer.DisplayName ?? customer.Handle ?? identifier ?? $"{channel.ToName()} visitor",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Contacts.Add(contact);
        return contact;
    }
}

public sealed record MatchedIdentity(Contact Contact, ChannelIdentity Identity);

/// <summary>The profile that owns a phone or email as a verified identifier, as asked (<see cref="Owner"/> null: none does).</summary>
internal readonly record struct OwnerLookup(Contact? Owner);

/// <summary>
/// A profile already known to own an identity (loaded as <see cref="IdentityMatcher.LoadProfilesAsync"/> does), or null:
/// none does yet.
/// </summary>
public readonly record struct KnownProfile(Contact? Contact);
