using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Whether a customer's conversation is open or resolved and who handles it (an agent, a team, or an agent of a team):
/// read and change it with the rules the API and the UI share.
/// </summary>
public sealed class ConversationHandling(FlowsDbContext db, ContactQueries contacts, TimeProvider time)
{
    /// <summary>The conversation of the profile (following merges), created open on first use.</summary>
    /// <returns>Null when there is no such contact.</returns>
    public async Task<ConversationView?> GetAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var survivor = await contacts.ResolveSurvivorAsync(contactId, cancellationToken);
        if (survivor is null)
        {
            return null;
        }

        var conversation = await db.ForContactAsync(survivor.Value, time.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(conversation, cancellationToken);
    }

    /// <summary>Sets the status and/or the assignee (both null in <see cref="AssigneeRequest"/> unassigns).</summary>
    public async Task<Refusal?> UpdateAsync(Guid contactId, UpdateConversationRequest request, CancellationToken cancellationToken)
    {
        if (!await db.Contacts.AnyAsync(c => c.Id == contactId && c.MergedIntoId == null, cancellationToken))
        {
            return Refusal.Missing("No such contact.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var conversation = await db.ForContactAsync(contactId, now, cancellationToken);
        if (request.Assignee is { } assignee)
        {
            if (await ValidateAssigneeAsync(assignee, cancellationToken) is { } refusal)
            {
                return refusal;
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
        return null;
    }

    /// <summary>Who a conversation can be assigned to: every user, and the teams with their members.</summary>
    public async Task<AssigneeChoices> ChoicesAsync(CancellationToken cancellationToken)
    {
        var agents = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName)
            .Select(u => new AgentChoice(u.Id, u.DisplayName == "" ? u.Email ?? u.Id : u.DisplayName))
            .ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TeamChoice(t.Id, t.Name, t.Members.Select(m => m.UserId).ToList()))
            .ToListAsync(cancellationToken);
        return new AssigneeChoices(agents, teams);
    }

    private async Task<Refusal?> ValidateAssigneeAsync(AssigneeRequest assignee, CancellationToken cancellationToken)
    {
        if (assignee.UserId is { } userId && !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return Refusal.Invalid("assignee.userId", $"No user with id '{userId}'.");
        }

        if (assignee.TeamId is { } teamId && !await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            return Refusal.Invalid("assignee.teamId", $"No team with id '{teamId}'.");
        }

        if (assignee is { UserId: { } member, TeamId: { } team } &&
            !await db.TeamMembers.AnyAsync(m => m.TeamId == team && m.UserId == member, cancellationToken))
        {
            return Refusal.Invalid("assignee.userId", "The agent is not a member of that team.");
        }

        return null;
    }

    private async Task<ConversationView> ViewAsync(Conversation conversation, CancellationToken cancellationToken)
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

public sealed record AssigneeChoices(IReadOnlyList<AgentChoice> Agents, IReadOnlyList<TeamChoice> Teams);

public sealed record AgentChoice(string UserId, string Name);

public sealed record TeamChoice(Guid Id, string Name, IReadOnlyList<string> MemberUserIds);
