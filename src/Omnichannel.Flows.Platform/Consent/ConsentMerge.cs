using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Moves consent when <see cref="Contacts.ContactMerger"/> folds one profile into another: the history moves along, and
/// the kept profile is opted out wherever either profile was. When the merged history's latest word says otherwise (the
/// kept profile opted back in later), a <see cref="ConsentSource.Merge"/> change records the opt-out, so the state stays
/// the history's latest word. Runs inside the merge's transaction; saves nothing.
/// </summary>
public static class ConsentMerge
{
    public static async Task MoveAsync(
        FlowsDbContext db, Guid keepId, Guid otherId, DateTime now, string? userId, string? userName, CancellationToken cancellationToken)
    {
        var theirs = await db.ContactConsents.Where(c => c.ContactId == otherId).ToListAsync(cancellationToken);
        if (theirs.Count == 0)
        {
            return;
        }

        var ours = await db.ContactConsents.Where(c => c.ContactId == keepId).ToListAsync(cancellationToken);
        await db.ConsentChanges.Where(c => c.ContactId == otherId).ExecuteUpdateAsync(s => s.SetProperty(c => c.ContactId, keepId), cancellationToken);
        foreach (var their in theirs)
        {
            db.ContactConsents.Remove(their);
            var our = ours.FirstOrDefault(c => c.Channel == their.Channel && c.Scope == their.Scope);
            if (our is null)
            {
                db.ContactConsents.Add(new ContactConsent
                {
                    ContactId = keepId, Channel = their.Channel, Scope = their.Scope,
                    OptedIn = their.OptedIn, Source = their.Source, ChangedAt = their.ChangedAt, ChangeId = their.ChangeId,
                });
                continue;
            }

            var optedIn = our.OptedIn && their.OptedIn;
            var latest = their.ChangedAt > our.ChangedAt ? their : our;
            if (latest.OptedIn == optedIn)
            {
                (our.OptedIn, our.Source, our.ChangedAt, our.ChangeId) = (latest.OptedIn, latest.Source, latest.ChangedAt, latest.ChangeId);
                continue;
            }

            var optOut = their.OptedIn ? our : their;
            var change = new ConsentChange
            {
                ContactId = keepId,
                Channel = their.Channel,
                Scope = their.Scope,
                OptedIn = false,
                Source = ConsentSource.Merge,
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"A merged profile opted out on {optOut.ChangedAt:yyyy-MM-dd HH:mm} UTC ({ConsentLabels.Source(optOut.Source)})."),
                ChangedByUserId = userId,
                ChangedByName = userName,
                OccurredAt = now,
                RecordedAt = now,
            };
            db.ConsentChanges.Add(change);
            ConsentLedger.Apply(our, change);
        }
    }
}
