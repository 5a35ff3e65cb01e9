using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.ServiceWindows;

/// <summary><c>GET /api/contacts/{id}/channels</c>: where the customer can be reached and whether each window is open.</summary>
public static class ContactChannelsApi
{
    public static IEndpointRouteBuilder MapContactChannelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/contacts/{id:guid}/channels", ListAsync).WithTags("Contacts");
        return app;
    }

    private static async Task<IResult> ListAsync(
        Guid id, FlowsDbContext db, ContactQueries contacts, RecipientResolver recipients, ServiceWindowPolicy windows,
        ConsentPolicy consent, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await contacts.ResolveSurvivorAsync(id, cancellationToken) is not { } contactId)
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var items = new List<ContactChannelView>();
        foreach (var channel in await recipients.ReachableChannelsAsync(db, contactId, cancellationToken))
        {
            var identity = await recipients.ResolveAsync(db, contactId, channel, cancellationToken);
            var window = windows.Evaluate(channel, identity?.LastInboundAt, identity?.LastInboundFromFreeEntryPoint ?? false, now);
            // Opted out = an agent may not write at all; a marketing-only opt-out still allows conversation.
            var conversation = await consent.CheckAsync(contactId, channel, SendPurpose.Conversation, cancellationToken);
            items.Add(new ContactChannelView(channel, window.Open, window.HasWindow ? window.ClosesAt : null, window.HumanAgentUntil,
                !conversation.IsAllowed));
        }

        // Resolving may derive identities (a phone's SMS identity) for the first time: keep them.
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new { items });
    }
}

/// <param name="WindowClosesAt">When free-form messages stop being allowed; null for channels without a window.</param>
public sealed record ContactChannelView(ChannelKind Channel, bool WindowOpen, DateTime? WindowClosesAt, DateTime? HumanAgentUntil, bool OptedOut);
