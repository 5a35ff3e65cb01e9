using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>What to render a saved reply for.</summary>
public sealed record RenderSavedReplyRequest(Guid? ContactId);

/// <summary>Saved replies: everyone reads and renders them for a contact; admins and marketing write them.</summary>
public static class SavedRepliesApi
{
    public static IEndpointRouteBuilder MapSavedRepliesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/saved-replies").WithTags("Templates");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/render", RenderAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        return app;
    }

    private static async Task<IResult> ListAsync(SavedReplyAdministration replies, string? channel, string? search, CancellationToken cancellationToken)
    {
        if (TemplatesApi.InvalidChannel(channel, out var only) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(new { items = await replies.ListAsync(only, search, cancellationToken) });
    }

    private static async Task<IResult> GetAsync(Guid id, SavedReplyAdministration replies, CancellationToken cancellationToken) =>
        await replies.GetAsync(id, cancellationToken) is { } reply ? TypedResults.Ok(reply) : ApiProblems.NotFound("No such saved reply.");

    private static async Task<IResult> CreateAsync(SavedReplyRequest request, SavedReplyAdministration replies, CancellationToken cancellationToken)
    {
        var (reply, problem) = await replies.CreateAsync(request, cancellationToken);
        return problem is not null ? TemplatesApi.ToProblem(problem) : TypedResults.Created($"/api/saved-replies/{reply!.Id}", reply);
    }

    private static async Task<IResult> UpdateAsync(Guid id, SavedReplyRequest request, SavedReplyAdministration replies, CancellationToken cancellationToken)
    {
        var (reply, problem) = await replies.UpdateAsync(id, request, cancellationToken);
        return problem is not null ? TemplatesApi.ToProblem(problem) : TypedResults.Ok(reply);
    }

    private static async Task<IResult> DeleteAsync(Guid id, SavedReplyAdministration replies, CancellationToken cancellationToken) =>
        await replies.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound("No such saved reply.");

    private static async Task<IResult> RenderAsync(
        Guid id, RenderSavedReplyRequest request, SavedReplyAdministration replies, SavedReplyRenderer renderer, CancellationToken cancellationToken)
    {
        if (request.ContactId is not { } contactId)
        {
            return ApiProblems.Invalid("contactId", "contactId is required.");
        }

        if (await replies.GetAsync(id, cancellationToken) is not { } reply)
        {
            return ApiProblems.NotFound("No such saved reply.");
        }

        var (text, problem) = await renderer.RenderAsync(reply.Text, contactId, cancellationToken);
        return problem is not null ? TemplatesApi.ToProblem(problem) : TypedResults.Ok(new { text });
    }
}
