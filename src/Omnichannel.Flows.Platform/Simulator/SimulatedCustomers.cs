using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Simulator;

/// <summary>
/// What the simulator shows about the customer it plays: the profile their channel identity landed on, and their thread.
/// Every read uses its own short-lived context: the simulator page lives as long as the admin's circuit.
/// </summary>
public sealed class SimulatedCustomers(IDbContextFactory<FlowsDbContext> dbs)
{
    public const int ThreadLength = 100;

    /// <summary>The profile holding the identity <paramref name="externalId"/> on <paramref name="channel"/>, following merges; null until the message was processed.</summary>
    public async Task<ContactDetails?> FindAsync(ChannelKind channel, string externalId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var contactId = await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.Channel == channel && i.ExternalId == externalId)
            .Select(i => (Guid?)i.ContactId)
            .FirstOrDefaultAsync(cancellationToken);
        return contactId is { } id ? await new ContactQueries(db).GetAsync(id, cancellationToken) : null;
    }

    /// <summary>The latest <see cref="ThreadLength"/> messages of the customer's thread, oldest first.</summary>
    public async Task<IReadOnlyList<MessageView>> ThreadAsync(Guid contactId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var latest = await db.Messages.AsNoTracking()
            .Where(m => m.ContactId == contactId)
            .OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id)
            .Take(ThreadLength)
            .ToListAsync(cancellationToken);
        return [.. latest.AsEnumerable().Reverse().Select(MessageView.From)];
    }
}
