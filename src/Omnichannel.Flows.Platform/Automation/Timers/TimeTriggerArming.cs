using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// A customer message (re-)arms the contact's time triggers: <c>trigger.conversationIdle</c> at the message time +
/// duration, <c>trigger.windowClosing</c> / <c>trigger.windowClosed</c> at the service window's close (from
/// <see cref="ServiceWindowPolicy"/>) minus the lead time. Each arming gets a new event id, so it starts a flow at most
/// once; only customer messages arm, so a flow's own sends never fire these again. An older message delivered late
/// does not move a timer armed by a newer one.
/// </summary>
public sealed class TimeTriggerArming(
    IDbContextFactory<FlowsDbContext> dbs, ServiceWindowPolicy windows, FlowTimerPump pump, TimeProvider time)
{
    public async Task ArmAsync(Guid contactId, JsonElement? payload, TriggerSet live, CancellationToken cancellationToken)
    {
        var channelName = TriggerFilter.Member(payload, "channel");
        if (!ChannelNames.TryParse(channelName, out var channel) || SentAt(payload) is not { } sentAt)
        {
            return;
        }

        var idle = live.For(TriggerTypes.ConversationIdle).Where(t => ((ConversationIdleTrigger)t.Filter).Watches(channel.ToName())).ToList();
        var window = live.For(TriggerTypes.WindowClosing).Concat(live.For(TriggerTypes.WindowClosed))
            .Where(t => ((WindowTrigger)t.Filter).Channel == channel.ToName()).ToList();
        if (idle.Count == 0 && window.Count == 0)
        {
            return;
        }

        var messageId = TriggerFilter.Member(payload, "messageId") is { } id && Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var subjectKey = contactId.ToString();
        var armed = await db.FlowTriggerTimers.Where(t => t.SubjectKey == subjectKey).ToListAsync(cancellationToken);
        var closesAt = window.Count == 0 ? null : await WindowClosesAtAsync(db, contactId, channel, cancellationToken);
        var earliest = DateTime.MaxValue;
        foreach (var trigger in idle)
        {
            var due = sentAt + ((ConversationIdleTrigger)trigger.Filter).Duration;
            earliest = Arm(db, armed, trigger, contactId, TimeTriggerKind.ConversationIdle, due, sentAt, messageId, channel, null) ?? earliest;
        }

        foreach (var trigger in window)
        {
            if (closesAt is not { } closes)
            {
                continue; // a channel without a window (or no message on it yet) never closes
            }

            var filter = (WindowTrigger)trigger.Filter;
            var kind = trigger.Type == TriggerTypes.WindowClosed ? TimeTriggerKind.WindowClosed : TimeTriggerKind.WindowClosing;
            var due = closes - filter.LeadTime;
            if (Arm(db, armed, trigger, contactId, kind, due, sentAt, messageId, channel, closes) is { } armedAt && armedAt < earliest)
            {
                earliest = armedAt;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (earliest != DateTime.MaxValue)
        {
            pump.Wake(earliest);
        }
    }

    /// <returns>The due time armed, or null when a newer message had armed it already.</returns>
    private DateTime? Arm(FlowsDbContext db, List<FlowTriggerTimer> armed, TriggerEntry trigger, Guid contactId, TimeTriggerKind kind,
        DateTime due, DateTime sentAt, Guid? messageId, ChannelKind channel, DateTime? closesAt)
    {
        var row = armed.FirstOrDefault(t => t.FlowId == trigger.FlowId && t.NodeId == trigger.NodeId);
        if (row is { MessageSentAt: { } previous } && previous > sentAt)
        {
            return null;
        }

        if (row is null)
        {
            row = new FlowTriggerTimer { FlowId = trigger.FlowId, NodeId = trigger.NodeId, SubjectKey = contactId.ToString(), ContactId = contactId };
            db.FlowTriggerTimers.Add(row);
            armed.Add(row);
        }

        row.Kind = kind;
        row.Version = trigger.Version;
        row.EventId = Guids.NewVersion7(time.GetUtcNow());
        row.DueAt = due;
        row.MessageId = messageId;
        row.MessageSentAt = sentAt;
        row.Channel = channel.ToName();
        row.Payload = JsonSerializer.Serialize(new { channel = channel.ToName(), lastCustomerMessageAt = sentAt, closesAt }, JsonSerializerOptions.Web);
        row.FiringBy = null;
        row.FiringUntil = null;
        return due;
    }

    private async Task<DateTime?> WindowClosesAtAsync(FlowsDbContext db, Guid contactId, ChannelKind channel, CancellationToken cancellationToken)
    {
        var identity = await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.ContactId == contactId && i.Channel == channel && i.LastInboundAt != null)
            .OrderByDescending(i => i.LastInboundAt)
            .Select(i => new { i.LastInboundAt, i.LastInboundFromFreeEntryPoint })
            .FirstOrDefaultAsync(cancellationToken);
        return identity is null
            ? null
            : windows.Evaluate(channel, identity.LastInboundAt, identity.LastInboundFromFreeEntryPoint, time.GetUtcNow().UtcDateTime).ClosesAt;
    }

    private static DateTime? SentAt(JsonElement? payload) =>
        TriggerFilter.Member(payload, "sentAt") is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : null;
}
