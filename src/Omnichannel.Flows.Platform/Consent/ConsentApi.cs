using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>A contact's consent: read the current state and history; agents and admins record a change.</summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts/{id:guid}/consent").WithTags("Consent");
        group.MapGet("/", GetAsync);
        // Marketing users run broadcasts: opting customers back in is not theirs to do.
        group.MapPost("/", RecordAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Admin, Roles.Agent));
        return app;
    }

    private static async Task<IResult> GetAsync(Guid id, ConsentQueries queries, CancellationToken cancellationToken) =>
        await queries.GetAsync(id, cancellationToken) is { } consent ? TypedResults.Ok(consent) : ApiProblems.NotFound("No such contact.");

    /// <returns>201 with the contact's consent when the change was recorded; 200 when their consent already said so.</returns>
    private static async Task<IResult> RecordAsync(
        Guid id, RecordConsentRequest request, ConsentAdministration administration, ConsentQueries queries, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var (refusal, change) = await administration.RecordAsync(id, request, user.Id(), user.Name(), cancellationToken);
        if (refusal is not null)
        {
            return ApiProblems.From(refusal);
        }

        var consent = await queries.GetAsync(id, cancellationToken);
        return change is null ? TypedResults.Ok(consent) : TypedResults.Created($"/api/contacts/{id}/consent", consent);
    }
}
