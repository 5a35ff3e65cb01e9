using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>The live profiles an audience filter selects, as a database query (counted, paged and snapshotted in SQL).</summary>
public static class AudienceQuery
{
    public static IQueryable<Contact> Apply(FlowsDbContext db, AudienceFilter audience)
    {
        var query = db.Contacts.AsNoTracking().Where(c => c.MergedIntoId == null);
        var tags = (audience.Tags ?? []).Select(ContactTags.Normalize).OfType<string>().Distinct().ToList();
        if (tags.Count > 0 && audience.TagMatch == TagMatch.Any)
        {
            query = query.Where(c => db.ContactTags.Any(t => t.ContactId == c.Id && tags.Contains(t.Tag)));
        }
        else
        {
            foreach (var tag in tags)
            {
                query = query.Where(c => db.ContactTags.Any(t => t.ContactId == c.Id && t.Tag == tag));
            }
        }

        foreach (var field in audience.Fields ?? [])
        {
            query = query.Where(c => db.ContactFields.Any(f => f.ContactId == c.Id && f.Key == field.Key && f.Value == field.Value));
        }

        if (audience.ReachableOn is { Count: > 0 } reachable)
        {
            // Reachable: an identity on one of the channels, or a verified phone (WhatsApp, SMS) or email it can be derived from.
            var channels = reachable.Distinct().ToList();
            var byPhone = channels.Contains(ChannelKind.WhatsApp) || channels.Contains(ChannelKind.Sms);
            var byEmail = channels.Contains(ChannelKind.Email);
            query = query.Where(c => db.ChannelIdentities.Any(i => i.ContactId == c.Id && channels.Contains(i.Channel))
                || (byPhone && db.ContactPhones.Any(p => p.ContactId == c.Id && p.Verified))
                || (byEmail && db.ContactEmails.Any(e => e.ContactId == c.Id && e.Verified)));
        }

        return query;
    }
}
