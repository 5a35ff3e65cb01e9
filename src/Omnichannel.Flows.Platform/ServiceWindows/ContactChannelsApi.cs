using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.ServiceWindows;

/// <summary><c>GET /api/contacts/{id}/channels</c>: where the customer can be reached and whether each window is open.</summary>
public static class ContactChannelsApi
{
    public static IEndpointRouteBuilder MapContactChannelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/contacts/{id:guid}/channels", ListAsync).WithTags("Contacts");
        return app;
    }

    private static async Task<IResult> ListAsync(Guid id, ContactChannelStates channels, CancellationToken cancellationToken) =>
        await channels.ListAsync(id, cancellationToken) is { } states
            ? TypedResults.Ok(new { items = states.Select(s => s.ToView()) })
            : ApiProblems.NotFound("No such contact.");
}

/// <param name="WindowClosesAt">When free-form messages stop being allowed; null for channels without a window.</param>
public sealed record ContactChannelView(ChannelKind Channel, bool WindowOpen, DateTime? WindowClosesAt, DateTime? HumanAgentUntil, bool OptedOut);
