using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>The conversation state on a customer's thread: open / resolved and who handles it.</summary>
public static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts/{id:guid}/conversation").WithTags("Conversations");
        group.MapGet("/", GetAsync);
        group.MapPut("/", UpdateAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(Guid id, ConversationHandling handling, CancellationToken cancellationToken) =>
        await handling.GetAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : ApiProblems.NotFound("No such contact.");

    private static async Task<IResult> UpdateAsync(
        Guid id, UpdateConversationRequest request, ConversationHandling handling, CancellationToken cancellationToken) =>
        await handling.UpdateAsync(id, request, cancellationToken) is { } refusal
            ? ApiProblems.From(refusal)
            : TypedResults.Ok(await handling.GetAsync(id, cancellationToken));
}
