using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// For work that reads before it takes its turn to write: whether what a context read is still what the database holds.
/// </summary>
internal static class TrackedRows
{
    /// <summary>
    /// Whether every <typeparamref name="TEntity"/> row the context read (tracked unchanged or modified, not added) still
    /// has, in the database, each column value it was read with. One query for all of them. Call it inside the write
    /// transaction, so nothing changes between this answer and the save.
    /// </summary>
    public static async Task<bool> UnchangedSinceReadAsync<TEntity>(this FlowsDbContext db, CancellationToken cancellationToken)
        where TEntity : class
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        var key = entity.FindPrimaryKey()?.Properties is [{ ClrType: var keyType } only] && keyType == typeof(Guid)
            ? only
            : throw new InvalidOperationException($"{entity.DisplayName()} has no single Guid key.");
        var read = db.ChangeTracker.Entries<TEntity>()
            .Where(e => e.State is EntityState.Unchanged or EntityState.Modified)
            .ToDictionary(e => (Guid)e.OriginalValues[key]!);
        if (read.Count == 0)
        {
            return true;
        }

        Guid[] ids = [.. read.Keys];
        var stored = await db.Set<TEntity>().AsNoTracking()
            .Where(row => ids.Contains(EF.Property<Guid>(row, key.Name)))
            .ToListAsync(cancellationToken);
        if (stored.Count != read.Count)
        {
            return false;
        }

        IProperty[] columns = [.. entity.GetProperties().Where(p => !p.IsShadowProperty() && !p.IsPrimaryKey())];
        var keyGetter = key.GetGetter();
        foreach (var row in stored)
        {
            var original = read[(Guid)keyGetter.GetClrValueUsingContainingEntity(row)!].OriginalValues;
            foreach (var column in columns)
            {
                if (!column.GetValueComparer().Equals(original[column], column.GetGetter().GetClrValueUsingContainingEntity(row)))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
