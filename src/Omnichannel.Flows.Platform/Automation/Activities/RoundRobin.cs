using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// One turn of a team's round-robin: the member a flow step picked. The team's latest turn is its rotation state, so it
/// survives restarts; the unique (team, sequence) serialises concurrent picks, and the unique step key makes a re-run
/// of the same step get the same member instead of taking another turn.
/// </summary>
public sealed class RoundRobinTurn
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid TeamId { get; init; }

    /// <summary>1, 2, 3… per team.</summary>
    public long Sequence { get; init; }
    public required string UserId { get; init; }

    /// <summary>The flow step's idempotency key.</summary>
    public required string IdempotencyKey { get; init; }
    public DateTime TakenAt { get; init; }
}

internal sealed class RoundRobinTurnConfiguration : IEntityTypeConfiguration<RoundRobinTurn>
{
    public void Configure(EntityTypeBuilder<RoundRobinTurn> builder)
    {
        builder.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.UserId).HasMaxLength(450);
        builder.Property(t => t.IdempotencyKey).HasMaxLength(200);
        builder.HasIndex(t => new { t.TeamId, t.Sequence }).IsUnique();
        builder.HasIndex(t => t.IdempotencyKey).IsUnique();
    }
}

/// <summary>
/// Picks the next member of a team in turn (members in a fixed order, the one after the previous turn's, wrapping
/// around; a member who left is simply skipped), durably and once per step.
/// </summary>
public sealed class RoundRobin(FlowsDbContext db, TimeProvider time)
{
    private const int Tries = 5;

    /// <returns>The member whose turn it is (the same one again for the same <paramref name="idempotencyKey"/>), or null when the team has no members.</returns>
    public async Task<string?> NextAsync(Guid teamId, string idempotencyKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var taken = await db.RoundRobinTurns.AsNoTracking().Where(t => t.IdempotencyKey == idempotencyKey)
                .Select(t => t.UserId).FirstOrDefaultAsync(cancellationToken);
            if (taken is not null)
            {
                return taken;
            }

            var members = (await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.UserId).ToListAsync(cancellationToken))
                .Order(StringComparer.Ordinal).ToList();
            if (members.Count == 0)
            {
                return null;
            }

            var last = await db.RoundRobinTurns.AsNoTracking().Where(t => t.TeamId == teamId).OrderByDescending(t => t.Sequence)
                .Select(t => new { t.Sequence, t.UserId }).FirstOrDefaultAsync(cancellationToken);
            var next = last is null ? members[0] : members.FirstOrDefault(m => string.CompareOrdinal(m, last.UserId) > 0) ?? members[0];
            var turn = db.RoundRobinTurns.Add(new RoundRobinTurn
            {
                TeamId = teamId,
                Sequence = (last?.Sequence ?? 0) + 1,
                UserId = next,
                IdempotencyKey = idempotencyKey,
                TakenAt = time.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return next;
            }
            catch (DbUpdateException) when (attempt < Tries)
            {
                // Another pick took this sequence (or this step's key) first: read again and take the next turn. Only the
                // turn is let go: the caller's own changes in this context (the conversation it assigns) stay tracked.
                turn.State = EntityState.Detached;
            }
        }
    }
}
