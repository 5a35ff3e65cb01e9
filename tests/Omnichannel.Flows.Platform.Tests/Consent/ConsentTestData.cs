using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Tests.Consent;

/// <summary>Profiles and consent changes written as the platform writes them (through the ledger).</summary>
internal static class ConsentTestData
{
    public static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    public static async Task<Guid> NewContactAsync(this TestDatabase database, string name = "Customer")
    {
        var contact = new Contact { DisplayName = name, CreatedAt = Now, UpdatedAt = Now };
        await using var db = database.CreateContext();
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact.Id;
    }

    /// <returns>The recorded change, null when the ledger recorded nothing.</returns>
    public static async Task<ConsentChange?> RecordAsync(
        this TestDatabase database, Guid contactId, ChannelKind channel, ConsentScope scope, bool optedIn, DateTime? at = null,
        ConsentSource source = ConsentSource.Agent)
    {
        await using var db = database.CreateContext();
        var ledger = new ConsentLedger(new FakeTimeProvider(at ?? Now), NullLogger<ConsentLedger>.Instance);
        var change = await ledger.RecordAsync(db, new ConsentEntry(contactId, channel, scope, optedIn, source) { OccurredAt = at }, CancellationToken.None);
        await db.SaveChangesAsync();
        return change;
    }
}
