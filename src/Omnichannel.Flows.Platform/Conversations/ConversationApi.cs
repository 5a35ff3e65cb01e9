using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

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

    private static async Task<IResult> GetAsync(Guid id, FlowsDbContext db, ContactQueries contacts, TimeProvider time, CancellationToken cancellationToken)
    {
        var survivor = await contacts.ResolveSurvivorAsync(id, cancellationToken);
        if (survivor is null)
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var conversation = await db.ForContactAsync(survivor.Value, time.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(db, conversation, cancellationToken));
    }

    private static async Task<IResult> UpdateAsync(
        Guid id, UpdateConversationRequest request, FlowsDbContext db, UserManager<ApplicationUser> users, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!await db.Contacts.AnyAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken))
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var conversation = await db.ForContactAsync(id, now, cancellationToken);
        if (request.Assignee is { } assignee)
        {
            if (assignee.UserId is { } userId && await users.FindByIdAsync(userId) is null)
            {
                return ApiProblems.Invalid("assignee.userId", $"No user with id '{userId}'.");
            }

            if (assignee.TeamId is { } teamId && !await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
            {
                return ApiProblems.Invalid("assignee.teamId", $"No team with id '{teamId}'.");
            }

            if (assignee is { UserId: { } member, TeamId: { } team } &&
                !await db.TeamMembers.AnyAsync(m => m.TeamId == team && m.UserId == member, cancellationToken))
            {
                return ApiProblems.Invalid("assignee.userId", "The agent is not a member of that team.");
            }

            conversation.AssignedUserId = assignee.UserId;
            conversation.AssignedTeamId = assignee.TeamId;
        }

        if (request.Status is { } status && status != conversation.Status)
        {
            conversation.Status = status;
            conversation.ResolvedAt = status == ConversationStatus.Resolved ? now : null;
        }

        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(db, conversation, cancellationToken));
    }

    internal static async Task<ConversationView> ViewAsync(FlowsDbContext db, Conversation conversation, CancellationToken cancellationToken)
    {
        AssigneeView? assignee = null;
        if (conversation.AssignedUserId is not null || conversation.AssignedTeamId is not null)
        {
            var userName = conversation.AssignedUserId is null ? null
                : await db.Users.Where(u => u.Id == conversation.AssignedUserId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
            var teamName = conversation.AssignedTeamId is null ? null
                : await db.Teams.Where(t => t.Id == conversation.AssignedTeamId).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken);
            assignee = new AssigneeView(conversation.AssignedUserId, userName, conversation.AssignedTeamId, teamName);
        }

        return new ConversationView(conversation.Id, conversation.ContactId, conversation.Status, assignee,
            conversation.LastMessageAt, conversation.LastCustomerMessageAt, conversation.LastCustomerChannel);
    }
}
