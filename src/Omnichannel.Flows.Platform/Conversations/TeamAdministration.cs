using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

public enum TeamProblemKind { Invalid, Conflict, NotFound }

/// <summary>Why a team change was refused, and which field it is about.</summary>
public sealed record TeamProblem(TeamProblemKind Kind, string Field, string Message);

public sealed record TeamResult(TeamView? Team, TeamProblem? Problem)
{
    public static TeamResult Refused(TeamProblemKind kind, string field, string message) => new(null, new TeamProblem(kind, field, message));
}

/// <summary>Team management shared by the API and the admin page.</summary>
public sealed class TeamAdministration(FlowsDbContext db, TimeProvider time)
{
    public const int MaxNameLength = 100;

    public Task<List<TeamView>> ListAsync(CancellationToken cancellationToken) => TeamViews(db.Teams).ToListAsync(cancellationToken);

    public async Task<TeamResult> CreateAsync(CreateTeamRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return TeamResult.Refused(TeamProblemKind.Invalid, "name", $"A team name has 1 to {MaxNameLength} characters.");
        }

        if (await db.Teams.AnyAsync(t => t.Name == name, cancellationToken))
        {
            return TeamResult.Refused(TeamProblemKind.Conflict, "name", $"There is already a team named '{name}'.");
        }

        var memberIds = request.MemberUserIds?.Distinct().ToList() ?? [];
        if (await UnknownUserAsync(memberIds, cancellationToken) is { } unknown)
        {
            return TeamResult.Refused(TeamProblemKind.Invalid, "memberUserIds", $"No user with id '{unknown}'.");
        }

        var team = new Team { Name = name, CreatedAt = time.GetUtcNow().UtcDateTime };
        team.Members.AddRange(memberIds.Select(id => new TeamMember { UserId = id }));
        db.Teams.Add(team);
        await db.SaveChangesAsync(cancellationToken);
        return new TeamResult(await ViewAsync(team.Id, cancellationToken), null);
    }

    public async Task<TeamResult> SetMembersAsync(Guid id, IReadOnlyList<string> memberUserIds, CancellationToken cancellationToken)
    {
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (team is null)
        {
            return TeamResult.Refused(TeamProblemKind.NotFound, "id", "No such team.");
        }

        var wanted = memberUserIds.Distinct().ToList();
        if (await UnknownUserAsync(wanted, cancellationToken) is { } unknown)
        {
            return TeamResult.Refused(TeamProblemKind.Invalid, "memberUserIds", $"No user with id '{unknown}'.");
        }

        team.Members.RemoveAll(m => !wanted.Contains(m.UserId));
        team.Members.AddRange(wanted.Where(u => team.Members.All(m => m.UserId != u)).Select(u => new TeamMember { UserId = u }));
        await db.SaveChangesAsync(cancellationToken);
        return new TeamResult(await ViewAsync(id, cancellationToken), null);
    }

    /// <returns>False when there is no such team.</returns>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Teams.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;

    private async Task<string?> UnknownUserAsync(List<string> userIds, CancellationToken cancellationToken)
    {
        var known = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        return userIds.FirstOrDefault(id => !known.Contains(id));
    }

    // Filter before projecting: a predicate on the projected record cannot be translated to SQL.
    private Task<TeamView> ViewAsync(Guid id, CancellationToken cancellationToken) =>
        TeamViews(db.Teams.Where(t => t.Id == id)).FirstAsync(cancellationToken);

    private IQueryable<TeamView> TeamViews(IQueryable<Team> teams) =>
        teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamView(
            t.Id, t.Name,
            t.Members.Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new TeamMemberView(u.Id, u.DisplayName, u.Email)).ToList()));
}
