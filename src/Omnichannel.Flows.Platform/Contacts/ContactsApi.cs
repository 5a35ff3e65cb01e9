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
        Guid id, UpdateContactRequest request, FlowsDbContext db, ContactQueries queries, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.DisplayName is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200))
        {
            return ApiProblems.Invalid("displayName", "The display name must have 1 to 200 characters.");
        }

        if (request.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return ApiProblems.Invalid("timeZone", $"'{zone}' is not a known IANA time zone.");
        }

        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken);
        if (contact is null)
        {
            return ApiProblems.NotFound("No such contact.");
        }

        contact.DisplayName = request.DisplayName?.Trim() ?? contact.DisplayName;
        contact.FirstName = request.FirstName ?? contact.FirstName;
        contact.LastName = request.LastName ?? contact.LastName;
        contact.Locale = request.Locale ?? contact.Locale;
        contact.TimeZone = request.TimeZone ?? contact.TimeZone;
        contact.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await queries.GetAsync(id, cancellationToken));
    }

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
        Guid id, string key, FieldValueRequest request, FlowsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (key.Length > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return ApiProblems.Invalid("key", "A field key has up to 64 letters, digits, '_', '-' or '.'.");
        }

        if (request.Value is null || request.Value.Length > 2000)
        {
            return ApiProblems.Invalid("value", "A field value is required and has at most 2000 characters.");
        }

        if (!await ExistsAsync(db, id, cancellationToken))
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var field = await db.ContactFields.FirstOrDefaultAsync(f => f.ContactId == id && f.Key == key, cancellationToken);
        if (field is null)
        {
            db.ContactFields.Add(new ContactField { ContactId = id, Key = key, Value = request.Value });
        }
        else
        {
            field.Value = request.Value;
        }

        await db.Contacts.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RemoveFieldAsync(Guid id, string key, FlowsDbContext db, CancellationToken cancellationToken) =>
        await db.ContactFields.Where(f => f.ContactId == id && f.Key == key).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"The contact has no field '{key}'.");

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
