using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>
/// What the app stored against what the fake received: no recipient messaged twice, and every recipient sent exactly
/// once or — in flight at the kill — unknown (some of which did reach the provider; a status webhook reconciles those).
/// </summary>
internal sealed record StoreCheck(
    int Recipients, IReadOnlyDictionary<string, int> ByState, IReadOnlyDictionary<string, int> MessagesByStatus,
    int DuplicateRecipientsAtFake, int DuplicateCallbacksAtFake, int SentOnce, int SentButNotAtFake, int UnknownReachedFake,
    int UnknownNotReached, int NotFinished, int ForeignSends)
{
    public bool Passed => DuplicateRecipientsAtFake == 0 && DuplicateCallbacksAtFake == 0 && SentButNotAtFake == 0 && NotFinished == 0
        && ForeignSends == 0 && SentOnce + UnknownReachedFake + UnknownNotReached == Recipients;

    public static async Task<StoreCheck> RunAsync(string file, Guid broadcastId, IReadOnlyList<SendRecord> sends)
    {
        var options = new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={file};Mode=ReadOnly;Pooling=False").Options;
        await using var db = new SqliteFlowsDbContext(options);
        var recipients = await (
            from r in db.BroadcastRecipients.AsNoTracking()
            where r.BroadcastId == broadcastId
            join i in db.ChannelIdentities.AsNoTracking() on r.ChannelIdentityId equals (Guid?)i.Id into identities
            from i in identities.DefaultIfEmpty()
            select new { r.Id, r.State, To = i == null ? null : i.ExternalId }).ToListAsync();
        var messages = await db.Messages.AsNoTracking().Where(m => m.BroadcastId == broadcastId)
            .GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();

        var perRecipient = sends.GroupBy(s => s.To).ToDictionary(g => g.Key, g => g.Count());
        var ids = recipients.Select(r => r.Id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        int Count(Func<RecipientState, int, bool> predicate) => recipients.Count(r => predicate(r.State, perRecipient.GetValueOrDefault(r.To ?? "")));
        return new StoreCheck(
            recipients.Count,
            recipients.GroupBy(r => r.State).ToDictionary(g => g.Key.ToString().ToLowerInvariant(), g => g.Count()),
            messages.ToDictionary(m => m.Key.ToString().ToLowerInvariant(), m => m.Count),
            perRecipient.Count(p => p.Value > 1),
            sends.GroupBy(s => s.Callback).Count(g => g.Count() > 1),
            Count((state, sent) => state == RecipientState.Sent && sent == 1),
            Count((state, sent) => state == RecipientState.Sent && sent != 1),
            Count((state, sent) => state == RecipientState.Unknown && sent == 1),
            Count((state, sent) => state == RecipientState.Unknown && sent == 0),
            Count((state, _) => state is RecipientState.Pending or RecipientState.Queued or RecipientState.Sending),
            sends.Count(s => !ids.Contains(s.Callback)));
    }

    /// <summary>Messages left sending/unknown are what the outbox shows; kept for the report.</summary>
    public int MessagesIn(DeliveryStatus status) => MessagesByStatus.GetValueOrDefault(status.ToString().ToLowerInvariant());
}
