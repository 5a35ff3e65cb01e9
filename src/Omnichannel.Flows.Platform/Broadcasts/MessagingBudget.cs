using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The WhatsApp messaging limit as a budget: how many more unique customers may be messaged outside a service window
/// before the rolling 24 h count reaches <see cref="BroadcastOptions.MessagingLimit"/>. Counted from the recipients of
/// all broadcasts (<see cref="BroadcastRecipient.OutsideWindowAt"/>) and recounted every few seconds; in between, what
/// this run claims is added as it goes. Template sends agents make one by one are not counted (see the README).
/// </summary>
public sealed class MessagingBudget(IDbContextFactory<FlowsDbContext> dbs, int limit, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private static readonly TimeSpan RecountAfter = TimeSpan.FromSeconds(10);

    private int used;
    private DateTime? countedAt;

    public bool Limited => limit > 0;

    public int Limit => limit;

    public bool Exhausted { get; private set; }

    public async Task<int> RemainingAsync(CancellationToken cancellationToken)
    {
        if (!Limited)
        {
            return int.MaxValue;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (countedAt is not { } at || now - at >= RecountAfter)
        {
            var since = now - Window;
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            used = await db.BroadcastRecipients.Where(r => r.OutsideWindowAt >= since).Select(r => r.ContactId).Distinct().CountAsync(cancellationToken);
            countedAt = now;
        }

        var remaining = Math.Max(0, limit - used);
        Exhausted = remaining == 0;
        return remaining;
    }

    public void Consume(int count)
    {
        used += count;
        Exhausted = Limited && used >= limit;
    }

    /// <summary>When the earliest counted customer leaves the rolling window, freeing a place.</summary>
    public async Task<DateTime?> FreesAtAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime - Window;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var earliest = await db.BroadcastRecipients.Where(r => r.OutsideWindowAt >= since).MinAsync(r => r.OutsideWindowAt, cancellationToken);
        return earliest + Window;
    }
}

/// <summary>Which of a broadcast's time zones are outside quiet hours now, and when the next one wakes.</summary>
public sealed class QuietZones(QuietHours? quiet, IReadOnlyCollection<string> zones)
{
    private readonly Dictionary<string, TimeZoneInfo> resolved = zones.ToDictionary(z => z, TimeZoneInfo.FindSystemTimeZoneById);

    /// <returns>The zones awake now; null when the broadcast has no quiet hours (everyone is).</returns>
    public IReadOnlyCollection<string>? Awake(DateTime now) =>
        quiet is null ? null : [.. resolved.Where(z => quiet.QuietUntil(z.Value, now) is null).Select(z => z.Key)];

    /// <summary>When the first of <paramref name="sleeping"/> wakes; null when none is asleep.</summary>
    public DateTime? NextWake(IEnumerable<string> sleeping, DateTime now) =>
        quiet is null ? null : sleeping.Select(z => quiet.QuietUntil(resolved.GetValueOrDefault(z) ?? TimeZoneInfo.FindSystemTimeZoneById(z), now)).Min();
}
