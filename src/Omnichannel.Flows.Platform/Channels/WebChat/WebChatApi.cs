using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// The visitor API the widget calls: open a session (anonymous), then post and read messages with the session token.
/// Mapped outside the signed-in API group; CORS for the configured origins; rate limited.
/// </summary>
public static class WebChatApi
{
    private const int MaxThreadPage = 200;
    private const int MaxClientMessageIdLength = 64;

    public static IEndpointRouteBuilder MapWebChatApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/webchat/sessions").WithTags("Web chat")
            .RequireCors(WebChatChannel.CorsPolicy)
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<ChannelRegistry>().IsEnabled(ChannelKind.WebChat)
                    ? await next(context)
                    : ApiProblems.NotFound("The web chat channel is disabled on this installation."));
        sessions.MapPost("/", CreateAsync).RequireRateLimiting(WebChatRateLimiting.Sessions);

        var messages = sessions.MapGroup("/{id:guid}/messages")
            .RequireAuthorization(WebChatAuthentication.Policy)
            .RequireRateLimiting(WebChatRateLimiting.Messages);
        messages.MapPost("/", PostAsync);
        messages.MapGet("/", ListAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(CreateWebChatSessionRequest? request, WebChatSessions sessions, CancellationToken cancellationToken)
    {
        var result = await sessions.CreateAsync(request ?? new CreateWebChatSessionRequest(null, null, null, null), cancellationToken);
        return result.Session is { } session
            ? TypedResults.Created($"/api/webchat/sessions/{session.SessionId}/messages", session)
            : ApiProblems.Invalid(result.Field!, result.Error!);
    }

    private static async Task<IResult> PostAsync(
        Guid id, PostWebChatMessageRequest request, ClaimsPrincipal visitor, WebChatInbox inbox, CancellationToken cancellationToken)
    {
        if (WebChatAuthentication.SessionOf(visitor) != id)
        {
            return OtherSession();
        }

        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > ThreadApi.MaxTextLength)
        {
            return ApiProblems.Invalid("text", $"text is required and has at most {ThreadApi.MaxTextLength} characters.");
        }

        if (request.ClientMessageId is { } clientId &&
            (clientId.Length is 0 or > MaxClientMessageIdLength || !clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return ApiProblems.Invalid("clientMessageId", $"clientMessageId has 1 to {MaxClientMessageIdLength} letters, digits, '-' or '_'.");
        }

        var stored = await inbox.PostAsync(id, request.Text, request.ClientMessageId, cancellationToken);
        return stored is null
            ? WebhookIngestion.ShuttingDown()
            : TypedResults.Accepted($"/api/webchat/sessions/{id}/messages", new WebChatMessageAccepted(stored));
    }

    /// <summary>
    /// The web chat part of the visitor's thread (their messages and the replies that went out), oldest first, from
    /// <paramref name="after"/> on (inclusive: the widget drops what it already shows).
    /// </summary>
    private static async Task<IResult> ListAsync(
        Guid id, DateTime? after, ClaimsPrincipal visitor, FlowsDbContext db, CancellationToken cancellationToken)
    {
        if (WebChatAuthentication.SessionOf(visitor) != id)
        {
            return OtherSession();
        }

        // Through the identity, which follows the profile when agents merge it into another.
        var externalId = id.ToString();
        var contactId = await db.ChannelIdentities.Where(i => i.Channel == ChannelKind.WebChat && i.ExternalId == externalId)
            .Select(i => (Guid?)i.ContactId).FirstOrDefaultAsync(cancellationToken);
        var query = db.Messages.AsNoTracking().Where(m => m.ContactId == contactId && m.Channel == ChannelKind.WebChat &&
            (m.Direction == MessageDirection.Inbound || m.Status == DeliveryStatus.Sent || m.Status == DeliveryStatus.Delivered || m.Status == DeliveryStatus.Read));
        if (after is { } cursor)
        {
            var utc = cursor.Kind == DateTimeKind.Local ? cursor.ToUniversalTime() : DateTime.SpecifyKind(cursor, DateTimeKind.Utc);
            query = query.Where(m => m.SentAt >= utc);
        }

        var page = await query.OrderBy(m => m.SentAt).ThenBy(m => m.Id).Take(MaxThreadPage).ToListAsync(cancellationToken);
        return TypedResults.Ok(new WebChatThread([.. page.Select(View)]));
    }

    private static WebChatMessageView View(Message message) => message.Direction == MessageDirection.Inbound
        ? new WebChatMessageView(message.Id, WebChatMessageView.Visitor, message.Text, message.SentAt)
        {
            ClientMessageId = message.ExternalId?[(message.ExternalId.IndexOf(':', StringComparison.Ordinal) + 1)..],
        }
        : new WebChatMessageView(message.Id, WebChatMessageView.Agent, message.Text, message.SentAt) { AuthorName = message.AuthorName };

    private static IResult OtherSession() => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Session token required",
        detail: "The token belongs to another web chat session.");
}
