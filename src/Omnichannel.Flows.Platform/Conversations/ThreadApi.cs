using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>The customer's one thread across channels: read it (newest first, paged by time), reply on any channel, and read the internal notes on it.</summary>
public static class ThreadApi
{
    public const int MaxTextLength = 4096;

    /// <summary>What is wrong with a reply's text, or null when it can be sent.</summary>
    public static string? ValidateText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "text is required."
        : text.Length > MaxTextLength ? $"text has at most {MaxTextLength} characters."
        : null;

    public static IEndpointRouteBuilder MapThreadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts/{id:guid}").WithTags("Conversations");
        group.MapGet("/messages", ListAsync);
        group.MapPost("/messages", SendAsync);
        group.MapGet("/notes", ListNotesAsync);
        return app;
    }

    private static async Task<IResult> ListNotesAsync(Guid id, DateTime? before, int? limit, ThreadQueries thread, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ThreadQueries.MaxPageSize)
        {
            return ApiProblems.Invalid("limit", $"limit must be between 1 and {ThreadQueries.MaxPageSize}.");
        }

        return await thread.NotesAsync(id, before, limit ?? ThreadQueries.DefaultPageSize, cancellationToken) is { } notes
            ? TypedResults.Ok(notes)
            : ApiProblems.NotFound("No such contact.");
    }

    private static async Task<IResult> ListAsync(Guid id, DateTime? before, int? limit, ThreadQueries thread, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ThreadQueries.MaxPageSize)
        {
            return ApiProblems.Invalid("limit", $"limit must be between 1 and {ThreadQueries.MaxPageSize}.");
        }

        return await thread.PageAsync(id, before, limit ?? ThreadQueries.DefaultPageSize, cancellationToken) is { } page
            ? TypedResults.Ok(page)
            : ApiProblems.NotFound("No such contact.");
    }

    private static async Task<IResult> SendAsync(
        Guid id, SendMessageRequest request, MessageSender sender, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        SendRequestResult result;
        if (request.Template is { } template)
        {
            if (string.IsNullOrWhiteSpace(template.Name) || string.IsNullOrWhiteSpace(template.Language))
            {
                return ApiProblems.Invalid(string.IsNullOrWhiteSpace(template.Name) ? "template.name" : "template.language",
                    "A template is named by its name and language.");
            }

            if (request.Text is not null)
            {
                return ApiProblems.Invalid("text", "Send either text or a template, not both.");
            }

            result = await sender.QueueTemplateAsync(
                new SendTemplateRequest(id, request.Channel, template.Name, template.Language, template.Parameters, MessageOrigin.Agent)
                {
                    AuthorUserId = user.Id(),
                    AuthorName = user.Name(),
                },
                cancellationToken);
        }
        else
        {
            if (ValidateText(request.Text) is { } problem)
            {
                return ApiProblems.Invalid("text", problem);
            }

            result = await sender.QueueTextAsync(
                new SendTextRequest(id, request.Channel, request.Text!, MessageOrigin.Agent)
                {
                    AuthorUserId = user.Id(),
                    AuthorName = user.Name(),
                    Subject = request.Subject,
                },
                cancellationToken);
        }

        return Answer(result);
    }

    /// <summary>How a send request is answered: 202 with the queued message, or a problem that says why and where.</summary>
    public static IResult Answer(SendRequestResult result) => result switch
    {
        { Message: { } message } => TypedResults.Accepted($"/api/contacts/{message.ContactId}/messages",
            new SendMessageAccepted(message.Id, message.Channel, message.Status, MessageView.From(message).Cost)),
        { Refusal: SendRefusal.ContactNotFound } => ApiProblems.NotFound(result.Detail!),
        { Refusal: SendRefusal.ChannelDisabled } => ApiProblems.Conflict("Channel disabled", result.Detail!, result.Pointer),
        { Refusal: SendRefusal.OptedOut } => ApiProblems.Conflict("Opted out", result.Detail!, result.Pointer,
            new Dictionary<string, object?> { ["code"] = "opted_out" }),
        { Refusal: SendRefusal.WindowClosed } => ApiProblems.Conflict("Service window closed", result.Detail!, result.Pointer,
            new Dictionary<string, object?>
            {
                ["code"] = SendFailures.WindowClosed,
                ["channel"] = result.Window?.Channel,
                ["windowClosedAt"] = result.Window?.ClosesAt,
                ["templates"] = result.Suggestions,
            }),
        _ => ApiProblems.Unprocessable("Cannot send", result.Detail!, result.Pointer!),
    };
}
