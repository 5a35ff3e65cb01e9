using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>The broadcast's messages that failed, newest first, with the provider's error code and reason.</summary>
public sealed class BroadcastFailures(FlowsDbContext db)
{
    public const int MaxCount = 100;

    public async Task<IReadOnlyList<BroadcastFailure>> LatestAsync(Guid broadcastId, int count, CancellationToken cancellationToken) =>
        await db.Messages.AsNoTracking()
            .Where(m => m.BroadcastId == broadcastId && m.Status == DeliveryStatus.Failed)
            .OrderByDescending(m => m.StatusAt).ThenBy(m => m.Id)
            .Take(Math.Clamp(count, 1, MaxCount))
            .Join(db.Contacts, m => m.ContactId, c => c.Id, (m, c) => new BroadcastFailure(c.Id, c.DisplayName, m.Channel, m.ErrorCode, m.ErrorReason, m.StatusAt))
            .ToListAsync(cancellationToken);
}

public sealed record BroadcastFailure(Guid ContactId, string Name, ChannelKind Channel, string? ErrorCode, string? ErrorReason, DateTime At);
