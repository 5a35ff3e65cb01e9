using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Decides, for a page of audience members at once (a few queries per page, not per customer), which channel each one
/// gets — the first of the priority list that reaches them, that consent allows, whose window (where the channel has
/// one) is open and whose content can be filled in for them — and renders that content; or why they are skipped.
/// Preview, estimate, test send and the snapshot all plan the same way.
/// </summary>
public sealed class RecipientPlanner(ChannelRegistry channels, ServiceWindowPolicy windows, IOptions<BroadcastOptions> options)
{
    private static readonly ChannelKind[] WindowedTextChannels = [ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.TikTok];

    public async Task<IReadOnlyList<PlannedRecipient>> PlanAsync(
        FlowsDbContext db, BroadcastPlan plan, IReadOnlyList<Guid> contactIds, DateTime now, CancellationToken cancellationToken)
    {
        var ids = contactIds.ToList();
        var profiles = await ProfilesAsync(db, plan, ids, cancellationToken);
        var identities = await IdentitiesAsync(db, plan.Definition.Channels, ids, cancellationToken);
        var consented = new Dictionary<ChannelKind, IReadOnlySet<Guid>>();
        foreach (var channel in plan.Definition.Channels)
        {
            var reachable = ids.Where(id => identities.ContainsKey((id, channel))).ToList();
            consented[channel] = reachable.Count == 0 ? new HashSet<Guid>()
                : await plan.Consent.MayReceiveAsync(channel, plan.Purpose, reachable, cancellationToken);
        }

        var zones = new Dictionary<string, bool>(StringComparer.Ordinal);
        return [.. ids.Where(profiles.ContainsKey).Select(id => Choose(plan, profiles[id], identities, consented, zones, now))];
    }

    private PlannedRecipient Choose(
        BroadcastPlan plan, (RecipientProfile Profile, string? TimeZone) contact, Dictionary<(Guid, ChannelKind), PlannedIdentity> identities,
        Dictionary<ChannelKind, IReadOnlySet<Guid>> consented, Dictionary<string, bool> zones, DateTime now)
    {
        var profile = contact.Profile;
        var zone = contact.TimeZone is { Length: > 0 } z && (zones.TryGetValue(z, out var known) ? known : zones[z] = TimeZoneInfo.TryFindSystemTimeZoneById(z, out _))
            ? z : options.Value.DefaultTimeZone;
        string? reason = null;
        foreach (var channel in plan.Definition.Channels)
        {
            if (!channels.IsEnabled(channel) || !identities.TryGetValue((profile.ContactId, channel), out var identity))
            {
                continue;
            }

            var window = windows.Evaluate(channel, identity.LastInboundAt, identity.FreeEntryPoint, now);
            var (content, problem) = !consented[channel].Contains(profile.ContactId) ? (null, SkipReasons.OptedOut)
                : WindowedTextChannels.Contains(channel) && !window.Open ? (null, SkipReasons.WindowClosed)
                : Render(plan, channel, profile);
            if (content is not null)
            {
                return new PlannedRecipient(profile.ContactId, zone, channel, identity, null, content, window);
            }

            reason ??= problem;
        }

        return new PlannedRecipient(profile.ContactId, zone, null, null, reason ?? SkipReasons.Unreachable, null, null);
    }

    private static (RenderedContent? Content, string? Problem) Render(BroadcastPlan plan, ChannelKind channel, RecipientProfile profile)
    {
        var content = plan.Definition.ContentFor(channel);
        if (channel == ChannelKind.WhatsApp)
        {
            if (plan.Template is not { Status: TemplateStatus.Approved } template || content?.Template is null)
            {
                return (null, SkipReasons.NoApprovedTemplate);
            }

            var values = new List<TemplateParameter>(template.BodyParameters.Count);
            foreach (var name in template.BodyParameters)
            {
                if (content.Parameters?.GetValueOrDefault(name) is not { } source || MessageVariables.Value(source, profile) is not { } value)
                {
                    return (null, SkipReasons.MissingValue);
                }

                values.Add(new TemplateParameter(name, value.Length > TemplateParameters.MaxLength ? value[..TemplateParameters.MaxLength] : value));
            }

            var details = JsonSerializer.Serialize(new OutboundTemplate(template.Name, template.Language, values), JsonSerializerOptions.Web);
            return (new RenderedContent(TemplateParameters.Render(template, values), details, null), null);
        }

        var (text, missing) = MessageVariables.Render(content?.Text ?? "", profile);
        var subject = channel == ChannelKind.Email ? MessageVariables.Render(content?.Subject ?? "", profile) : default;
        return text is null || missing is not null || subject.Missing is not null
            ? (null, SkipReasons.MissingValue)
            : (new RenderedContent(text, null, subject.Text), null);
    }

    private static async Task<Dictionary<Guid, (RecipientProfile Profile, string? TimeZone)>> ProfilesAsync(
        FlowsDbContext db, BroadcastPlan plan, List<Guid> ids, CancellationToken cancellationToken)
    {
        var contacts = await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id) && c.MergedIntoId == null)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.DisplayName, c.TimeZone })
            .ToListAsync(cancellationToken);
        var keys = MessageVariables.FieldKeysUsedBy(plan.Definition).ToList();
        var fields = keys.Count == 0 ? [] : await db.ContactFields.AsNoTracking()
            .Where(f => ids.Contains(f.ContactId) && keys.Contains(f.Key))
            .ToListAsync(cancellationToken);
        var fieldsByContact = fields.GroupBy(f => f.ContactId).ToDictionary(g => g.Key, g => g.ToDictionary(f => f.Key, f => f.Value));
        return contacts.ToDictionary(c => c.Id, c => (
            new RecipientProfile(c.Id, c.FirstName, c.LastName, c.DisplayName,
                fieldsByContact.TryGetValue(c.Id, out var own) ? own : RecipientProfile.NoFields),
            c.TimeZone));
    }

    /// <summary>
    /// Each member's identity per channel: their most recent one there, else one derived — as replies do
    /// (<see cref="Conversations.RecipientResolver"/>) — from a verified phone (WhatsApp, SMS) or email no other profile holds.
    /// </summary>
    private static async Task<Dictionary<(Guid, ChannelKind), PlannedIdentity>> IdentitiesAsync(
        FlowsDbContext db, IReadOnlyList<ChannelKind> priority, List<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = priority.ToList();
        var existing = await db.ChannelIdentities.AsNoTracking()
            .Where(i => ids.Contains(i.ContactId) && wanted.Contains(i.Channel))
            .Select(i => new { i.Id, i.ContactId, i.Channel, i.ExternalId, i.LastSeenAt, i.LastInboundAt, i.LastInboundFromFreeEntryPoint })
            .ToListAsync(cancellationToken);
        var result = existing.GroupBy(i => (i.ContactId, i.Channel))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(i => i.LastSeenAt)
                .Select(i => new PlannedIdentity(i.Id, i.ExternalId, i.LastInboundAt, i.LastInboundFromFreeEntryPoint, IsNew: false)).First());

        var phones = wanted.Contains(ChannelKind.WhatsApp) || wanted.Contains(ChannelKind.Sms)
            ? await FirstVerifiedAsync(db.ContactPhones.AsNoTracking().Where(p => ids.Contains(p.ContactId) && p.Verified)
                .Select(p => new VerifiedAddress(p.ContactId, p.Number, p.AddedAt)), cancellationToken)
            : [];
        var emails = wanted.Contains(ChannelKind.Email)
            ? await FirstVerifiedAsync(db.ContactEmails.AsNoTracking().Where(e => ids.Contains(e.ContactId) && e.Verified)
                .Select(e => new VerifiedAddress(e.ContactId, e.Address, e.AddedAt)), cancellationToken)
            : [];
        foreach (var channel in wanted.Intersect([ChannelKind.WhatsApp, ChannelKind.Sms, ChannelKind.Email]))
        {
            var source = channel == ChannelKind.Email ? emails : phones;
            var derived = source.Where(a => !result.ContainsKey((a.Key, channel)))
                .ToDictionary(a => a.Key, a => channel == ChannelKind.WhatsApp ? a.Value.TrimStart('+') : a.Value);
            var values = derived.Values.Distinct().ToList();
            var held = values.Count == 0 ? [] : (await db.ChannelIdentities.AsNoTracking()
                .Where(i => i.Channel == channel && values.Contains(i.ExternalId)).Select(i => i.ExternalId)
                .ToListAsync(cancellationToken)).ToHashSet();
            foreach (var (contactId, externalId) in derived)
            {
                // held.Add: a number two profiles share reaches neither on a derived identity (nor would a reply).
                if (held.Add(externalId))
                {
                    result[(contactId, channel)] = new PlannedIdentity(Guids.NewVersion7(), externalId, null, false, IsNew: true);
                }
            }
        }

        return result;
    }

    private static async Task<Dictionary<Guid, string>> FirstVerifiedAsync(IQueryable<VerifiedAddress> query, CancellationToken cancellationToken) =>
        (await query.ToListAsync(cancellationToken))
            .GroupBy(a => a.ContactId)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.AddedAt).First().Value);

    private sealed record VerifiedAddress(Guid ContactId, string Value, DateTime AddedAt);
}

/// <summary>What planning needs besides the customers: the definition, the template it sends on WhatsApp, and consent.</summary>
public sealed record BroadcastPlan(string Name, MessagePurpose Purpose, BroadcastDefinition Definition, MessageTemplate? Template, ConsentPolicy Consent);

/// <param name="Identity">Where the message goes; <see cref="PlannedIdentity.IsNew"/> when derived and not stored yet.</param>
/// <param name="Window">The channel's service window now (decides what a WhatsApp template costs).</param>
public sealed record PlannedRecipient(
    Guid ContactId, string TimeZone, ChannelKind? Channel, PlannedIdentity? Identity, string? SkipReason, RenderedContent? Content, ChannelWindow? Window)
{
    /// <summary>The number a WhatsApp message goes to, in E.164 (for its pricing market).</summary>
    public string? WhatsAppPhone => Channel == ChannelKind.WhatsApp && Identity?.ExternalId is { } id && id.All(char.IsAsciiDigit) ? "+" + id : null;
}

public sealed record PlannedIdentity(Guid Id, string ExternalId, DateTime? LastInboundAt, bool FreeEntryPoint, bool IsNew);

/// <param name="Text">What the customer reads (a template's body filled in).</param>
/// <param name="Details">WhatsApp: the template and its values as the outbox sends them.</param>
public sealed record RenderedContent(string Text, string? Details, string? Subject);
