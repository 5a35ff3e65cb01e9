using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Customer profiles: search, details, tags, custom fields, merge, erasure.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts").WithTags("Contacts");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", EraseAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Admin));
        group.MapPost("/{id:guid}/tags", AddTagAsync);
        group.MapDelete("/{id:guid}/tags/{tag}", RemoveTagAsync);
        group.MapPut("/{id:guid}/fields/{key}", SetFieldAsync);
        group.MapDelete("/{id:guid}/fields/{key}", RemoveFieldAsync);
        group.MapPost("/{id:guid}/merge", MergeAsync);
        group.MapContactMergeSuggestionsApi();
        return group;
    }

    private static async Task<Ok<ContactPage>> ListAsync(
        ContactQueries queries, string? search, string? tag, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ListAsync(search, tag, page ?? 1, pageSize ?? 25, cancellationToken));

    private static async Task<IResult> GetAsync(Guid id, ContactQueries queries, CancellationToken cancellationToken) =>
        await queries.GetAsync(id, cancellationToken) is { } contact ? TypedResults.Ok(contact) : ApiProblems.NotFound("No such contact.");

    private static async Task<IResult> UpdateAsync(
        Guid id, UpdateContactRequest request, ContactProfiles profiles, ContactQueries queries, CancellationToken cancellationToken) =>
        await profiles.UpdateAsync(id, request, cancellationToken) is { } refusal
            ? ApiProblems.From(refusal)
            : TypedResults.Ok(await queries.GetAsync(id, cancellationToken));

    private static async Task<IResult> EraseAsync(Guid id, ContactEraser eraser, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await eraser.EraseAsync(id, user.Id(), cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound("No such contact.");

    private static async Task<IResult> AddTagAsync(
        Guid id, TagRequest request, FlowsDbContext db, ContactTags tags, CancellationToken cancellationToken)
    {
        if (ContactTags.Validate(request.Tag) is { } problem)
        {
            return ApiProblems.Invalid("tag", problem);
        }

        if (!await ExistsAsync(db, id, cancellationToken))
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var added = await tags.AddAsync(id, request.Tag!, cancellationToken);
        return added ? TypedResults.Created($"/api/contacts/{id}/tags/{ContactTags.Normalize(request.Tag)}") : TypedResults.NoContent();
    }

    private static async Task<IResult> RemoveTagAsync(Guid id, string tag, FlowsDbContext db, ContactTags tags, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(db, id, cancellationToken))
        {
            return ApiProblems.NotFound("No such contact.");
        }

        return await tags.RemoveAsync(id, tag, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound($"The contact has no tag '{tag}'.");
    }

    private static async Task<IResult> SetFieldAsync(
        Guid id, string key, FieldValueRequest request, ContactProfiles profiles, CancellationToken cancellationToken) =>
        await profiles.SetFieldAsync(id, key, request.Value, cancellationToken) is { } refusal ? ApiProblems.From(refusal) : TypedResults.NoContent();

    private static async Task<IResult> RemoveFieldAsync(Guid id, string key, ContactProfiles profiles, CancellationToken cancellationToken) =>
        await profiles.RemoveFieldAsync(id, key, cancellationToken) is { } refusal ? ApiProblems.From(refusal) : TypedResults.NoContent();

    private static async Task<IResult> MergeAsync(
        Guid id, MergeRequest request, ContactMerger merger, ContactQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.OtherContactId is not { } otherId)
        {
            return ApiProblems.Invalid("otherContactId", "otherContactId is required.");
        }

        var result = await merger.MergeAsync(id, otherId, user.Id(), user.Name(), cancellationToken);
        return result switch
        {
            { Moves: not null } => TypedResults.Ok(new { contact = await queries.GetAsync(id, cancellationToken), moved = result.Moves }),
            { ContactMissing: true } => ApiProblems.NotFound(result.Problem!),
            _ => ApiProblems.Unprocessable("Cannot merge", result.Problem!, result.Pointer!),
        };
    }

    private static Task<bool> ExistsAsync(FlowsDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Contacts.AnyAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken);
}
