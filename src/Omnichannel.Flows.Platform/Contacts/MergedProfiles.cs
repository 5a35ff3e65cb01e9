using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>
/// The profiles merged into a profile: directly, or through profiles merged into it later (a merge does not re-point
/// the profiles merged into the one it folds in). A profile is merged at most once and only into one not merged itself,
/// so the merges form trees and the walk ends.
/// </summary>
internal static class MergedProfiles
{
    /// <returns><paramref name="contactId"/>, then the ids of every profile merged into it, nearest first.</returns>
    public static async Task<List<Guid>> WithMergedInAsync(FlowsDbContext db, Guid contactId, CancellationToken cancellationToken)
    {
        List<Guid> all = [contactId];
        List<Guid> level = [contactId];
        while (level.Count > 0)
        {
            var parents = level;
            level = await db.Contacts.Where(c => c.MergedIntoId != null && parents.Contains(c.MergedIntoId.Value))
                .Select(c => c.Id).ToListAsync(cancellationToken);
            all.AddRange(level);
        }

        return all;
    }
}
