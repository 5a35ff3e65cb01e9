using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>The customer's one thread across channels: read it (newest first, paged by time) and reply on any channel.</summary>
public static class ThreadApi
{
    public const int MaxTextLength = 4096;

    public static IEndpointRouteBuilder MapThreadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts/{id:guid}").WithTags("Conversations");
        group.MapGet("/messages", ListAsync);
        group.MapPost("/messages", SendAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(
        Guid id, DateTime? before, int? limit, FlowsDbContext db, ContactQueries contacts, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 200.");
        }

        var survivor = await contacts.ResolveSurvivorAsync(id, cancellationToken);
        if (survivor is null)
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var take = limit ?? 50;
        var query = db.Messages.AsNoTracking().Where(m => m.ContactId == survivor.Value);
        if (before is { } cursor)
        {
            var utc = cursor.Kind == DateTimeKind.Local ? cursor.ToUniversalTime() : DateTime.SpecifyKind(cursor, DateTimeKind.Utc);
            query = query.Where(m => m.SentAt < utc);
        }

        var page = await query.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        var items = page.Take(take).Select(MessageView.From).ToList();
        return TypedResults.Ok(new ThreadPage(items, page.Count > take ? items[^1].CreatedAt : null));
    }

    private static async Task<IResult> SendAsync(
        Guid id, SendMessageRequest request, MessageSender sender, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return ApiProblems.Invalid("text", "text is required.");
        }

        if (request.Text.Length > MaxTextLength)
        {
            return ApiProblems.Invalid("text", $"text has at most {MaxTextLength} characters.");
        }

        var result = await sender.QueueTextAsync(
            new SendTextRequest(id, request.Channel, request.Text, MessageOrigin.Agent)
            {
                AuthorUserId = user.Id(),
                AuthorName = user.Name(),
                Subject = request.Subject,
            },
            cancellationToken);
        return result switch
        {
            { Message: { } message } => TypedResults.Accepted($"/api/contacts/{message.ContactId}/messages",
                new SendMessageAccepted(message.Id, message.Channel, message.Status)),
            { Refusal: SendRefusal.ContactNotFound } => ApiProblems.NotFound(result.Detail!),
            { Refusal: SendRefusal.ChannelDisabled } => ApiProblems.Conflict("Channel disabled", result.Detail!, result.Pointer),
            _ => ApiProblems.Unprocessable("Cannot reach the customer", result.Detail!, result.Pointer!),
        };
    }
}
