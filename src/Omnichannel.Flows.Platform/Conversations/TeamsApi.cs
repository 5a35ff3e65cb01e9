using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>Teams of agents that conversations can be assigned to. Everyone reads them; admins manage them (<see cref="TeamAdministration"/>).</summary>
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

    private static async Task<IResult> ListAsync(TeamAdministration teams, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await teams.ListAsync(cancellationToken) });

    private static async Task<IResult> CreateAsync(CreateTeamRequest request, TeamAdministration teams, CancellationToken cancellationToken) =>
        ToResult(await teams.CreateAsync(request, cancellationToken), team => TypedResults.Created($"/api/teams/{team.Id}", team));

    private static async Task<IResult> SetMembersAsync(
        Guid id, IReadOnlyList<string> memberUserIds, TeamAdministration teams, CancellationToken cancellationToken) =>
        ToResult(await teams.SetMembersAsync(id, memberUserIds, cancellationToken), TypedResults.Ok);

    private static async Task<IResult> DeleteAsync(Guid id, TeamAdministration teams, CancellationToken cancellationToken) =>
        await teams.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound("No such team.");

    private static IResult ToResult(TeamResult result, Func<TeamView, IResult> success) =>
        result.Team is { } team ? success(team) : Problem(result.Problem!);

    private static IResult Problem(TeamProblem problem) => problem.Kind switch
    {
        TeamProblemKind.NotFound => ApiProblems.NotFound(problem.Message),
        TeamProblemKind.Conflict => ApiProblems.Conflict("Team exists", problem.Message, "/" + problem.Field),
        _ => ApiProblems.Invalid(problem.Field, problem.Message),
    };
}
