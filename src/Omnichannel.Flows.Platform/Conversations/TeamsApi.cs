using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>Teams of agents that conversations can be assigned to. Everyone reads them; admins manage them.</summary>
public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/teams").WithTags("Teams");
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        group.MapPut("/{id:guid}/members", SetMembersAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        return app;
    }

    private static async Task<IResult> ListAsync(FlowsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await TeamViewsAsync(db, null, cancellationToken) });

    private static async Task<IResult> CreateAsync(CreateTeamRequest request, FlowsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return ApiProblems.Invalid("name", "A team name has 1 to 100 characters.");
        }

        if (await db.Teams.AnyAsync(t => t.Name == name, cancellationToken))
        {
            return ApiProblems.Conflict("Team exists", $"There is already a team named '{name}'.", "/name");
        }

        var memberIds = request.MemberUserIds?.Distinct().ToList() ?? [];
        if (await UnknownUserAsync(db, memberIds, cancellationToken) is { } unknown)
        {
            return ApiProblems.Invalid("memberUserIds", $"No user with id '{unknown}'.");
        }

        var team = new Team { Name = name, CreatedAt = time.GetUtcNow().UtcDateTime };
        team.Members.AddRange(memberIds.Select(id => new TeamMember { UserId = id }));
        db.Teams.Add(team);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/teams/{team.Id}", (await TeamViewsAsync(db, team.Id, cancellationToken)).Single());
    }

    private static async Task<IResult> SetMembersAsync(Guid id, IReadOnlyList<string> memberUserIds, FlowsDbContext db, CancellationToken cancellationToken)
    {
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (team is null)
        {
            return ApiProblems.NotFound("No such team.");
        }

        var wanted = memberUserIds.Distinct().ToList();
        if (await UnknownUserAsync(db, wanted, cancellationToken) is { } unknown)
        {
            return ApiProblems.Invalid("memberUserIds", $"No user with id '{unknown}'.");
        }

        team.Members.RemoveAll(m => !wanted.Contains(m.UserId));
        team.Members.AddRange(wanted.Where(u => team.Members.All(m => m.UserId != u)).Select(u => new TeamMember { UserId = u }));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await TeamViewsAsync(db, id, cancellationToken)).Single());
    }

    private static async Task<IResult> DeleteAsync(Guid id, FlowsDbContext db, CancellationToken cancellationToken) =>
        await db.Teams.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("No such team.");

    private static async Task<string?> UnknownUserAsync(FlowsDbContext db, List<string> userIds, CancellationToken cancellationToken)
    {
        var known = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        return userIds.FirstOrDefault(id => !known.Contains(id));
    }

    internal static async Task<List<TeamView>> TeamViewsAsync(FlowsDbContext db, Guid? teamId, CancellationToken cancellationToken)
    {
        var teams = await db.Teams.AsNoTracking().Include(t => t.Members)
            .Where(t => teamId == null || t.Id == teamId)
            .OrderBy(t => t.Name)
            .ToListAsync(cancellationToken);
        var memberIds = teams.SelectMany(t => t.Members.Select(m => m.UserId)).Distinct().ToList();
        var users = await db.Users.Where(u => memberIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => new TeamMemberView(u.Id, u.DisplayName, u.Email), cancellationToken);
        return [.. teams.Select(t => new TeamView(t.Id, t.Name, [.. t.Members.Select(m => users[m.UserId]).OrderBy(u => u.DisplayName)]))];
    }
}
