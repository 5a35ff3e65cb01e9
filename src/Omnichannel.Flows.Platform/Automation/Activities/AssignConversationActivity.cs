using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using TeamRow = Omnichannel.Flows.Platform.Conversations.Team;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// <c>conversation.assign</c>: assigns the contact's conversation to an agent, to a team, or to the next member of a
/// team in turn (round-robin, kept per team in the database). With <c>onlyIfUnassigned</c> (the default) a conversation
/// someone already handles is left alone. An assignee that does not exist faults the step (fix it, then retry).
/// </summary>
public sealed class AssignConversationActivity(IServiceScopeFactory scopes, TimeProvider time, ILogger<AssignConversationActivity> logger) : IActivity
{
    public const string Agent = "agent";
    public const string Team = "team";
    public const string RoundRobinMode = "roundRobin";

    // Compiled: looked up on every run of a flow that assigns to a team (when the contact has no thread yet).
    private static readonly Func<FlowsDbContext, string, Guid, CancellationToken, Task<Guid?>> TeamIdOf =
        EF.CompileAsyncQuery((FlowsDbContext db, string team, Guid byId, CancellationToken _) =>
            db.Teams.AsNoTracking().Where(t => t.Name == team || t.Id == byId).Select(t => (Guid?)t.Id).FirstOrDefault());

    public ActivityDescriptor Descriptor { get; } = new(
        "conversation.assign", "Conversations", "Assign conversation",
        "Assigns the conversation to an agent, a team, or the next member of a team in turn (round-robin).",
        [
            new("assignTo", InputKind.Select, "Assign to", "An agent, a team, or a team's members in turn.")
            {
                Options = [Agent, Team, RoundRobinMode],
                Default = PlatformInputs.Json(Team),
            },
            new("agent", InputKind.Text, "Agent", "The agent's user id or email (assign to an agent)."),
            new("team", InputKind.Text, "Team", "The team's name or id (assign to a team, or round-robin among its members)."),
            new("onlyIfUnassigned", InputKind.Boolean, "Only if unassigned", "Leave conversations someone already handles alone.") { Default = PlatformInputs.Json(true) },
        ],
        [Ports.Done]);

    public object? Prepare(NodeInputs inputs)
    {
        var mode = inputs.Get<string>("assignTo");
        if (mode == Agent && !inputs.Has("agent"))
        {
            inputs.AddError("agent", "Assigning to an agent needs the agent.");
        }
        else if (mode != Agent && !inputs.Has("team"))
        {
            inputs.AddError("team", mode == Team ? "Assigning to a team needs the team." : "Round-robin needs the team whose members take turns.");
        }

        return null;
    }

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var cancellationToken = context.CancellationToken;
        using var redoable = StepWritesInTurn.Redoable();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        // The step's context, leased only when the step needs more than the plain read of who handles the thread (most
        // runs of a flow that keeps a thread with its team end there).
        FlowsDbContext Db() => services.GetRequiredService<FlowsDbContext>();
        if (await AutomationSteps.ContactAsync(context, services) is not { } contactId)
        {
            return AutomationSteps.NoContact(context);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var mode = context.Input<string>("assignTo");
        var team = mode == Agent ? "" : context.Input<string>("team");
        var teamById = Guid.TryParse(team, out var parsed) ? parsed : Guid.Empty;
        var handling = await HandlingOfAsync(services.GetRequiredService<PlainReads>(), contactId, team, teamById, cancellationToken);
        if (context.Input<bool>("onlyIfUnassigned") && handling is { AssignedUserId: not null } or { AssignedTeamId: not null })
        {
            context.Record("assigned", $"unchanged: already assigned ({handling.AssignedUserId ?? "no agent"}, team {handling.AssignedTeamId?.ToString() ?? "none"})");
            return ActivityOutcome.Done;
        }

        var (userId, teamId, problem) = mode switch
        {
            Agent => await AgentAsync(Db(), context.Input<string>("agent"), cancellationToken),
            _ => await TeamAsync(services, context, team, handling is null ? await TeamIdOf(Db(), team, teamById, cancellationToken) : handling.TeamId,
                mode == RoundRobinMode, cancellationToken),
        };
        if (problem is not null)
        {
            return ActivityOutcome.Fault(problem);
        }

        context.Record("assigned", $"agent {userId ?? "none"}, team {teamId?.ToString() ?? "none"}");
        if (handling is not null && handling.AssignedUserId == userId && handling.AssignedTeamId == teamId)
        {
            return ActivityOutcome.Done;
        }

        var db = Db();
        var conversation = handling is null ? await db.ForContactAsync(contactId, now, cancellationToken) : Attached(db, handling.ConversationId, contactId);
        conversation.AssignedUserId = userId;
        conversation.AssignedTeamId = teamId;
        conversation.UpdatedAt = now;
        MarkAssignmentChanged(db, conversation);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Flow {FlowId} assigned the conversation of contact {ContactId} to agent {UserId}, team {TeamId}",
            context.FlowId, contactId, userId, teamId);
        return ActivityOutcome.Done;
    }

    /// <summary>The existing thread, tracked as a key only: its save writes the columns <see cref="MarkAssignmentChanged"/> marks.</summary>
    private static Conversation Attached(FlowsDbContext db, Guid conversationId, Guid contactId)
    {
        var conversation = new Conversation { Id = conversationId, ContactId = contactId };
        db.Conversations.Attach(conversation);
        return conversation;
    }

    private static void MarkAssignmentChanged(FlowsDbContext db, Conversation conversation)
    {
        var entry = db.Entry(conversation);
        if (entry.State == EntityState.Added)
        {
            return;
        }

        // Set even when a value equals the key-only copy's default (null: no agent), which change detection would miss.
        entry.Property(c => c.AssignedUserId).IsModified = true;
        entry.Property(c => c.AssignedTeamId).IsModified = true;
        entry.Property(c => c.UpdatedAt).IsModified = true;
    }

    private static async Task<(string? UserId, Guid? TeamId, string? Problem)> AgentAsync(FlowsDbContext db, string agent, CancellationToken cancellationToken)
    {
        var email = agent.ToUpperInvariant();
        var userId = await db.Users.AsNoTracking().Where(u => u.Id == agent || u.NormalizedEmail == email).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
        return userId is null ? (null, null, $"No agent '{agent}'.") : (userId, null, null);
    }

    private static async Task<(string? UserId, Guid? TeamId, string? Problem)> TeamAsync(
        IServiceProvider services, StepContext context, string team, Guid? teamId, bool roundRobin, CancellationToken cancellationToken)
    {
        if (teamId is null)
        {
            return (null, null, $"No team '{team}'.");
        }

        if (!roundRobin)
        {
            return (null, teamId, null);
        }

        var member = await services.GetRequiredService<RoundRobin>().NextAsync(teamId.Value, context.IdempotencyKey, cancellationToken);
        if (member is null)
        {
            context.Record("roundRobin", "the team has no members: assigned to the team");
        }

        return (member, teamId, null);
    }

    /// <summary>
    /// Who handles the contact's thread now, and the id of the team the step names, in one plain read per run
    /// (<see cref="PlainReads"/>): no thread, no row. Should a name and an id name two teams, the first row read counts.
    /// </summary>
    private static async Task<Handling?> HandlingOfAsync(PlainReads reads, Guid contactId, string team, Guid teamById, CancellationToken cancellationToken)
    {
        var rows = await reads.QueryAsync("assign:handling", commands =>
        {
            var (conversations, teams) = (commands.Entity(typeof(Conversation)), commands.Entity(typeof(TeamRow)));
            var id = PreparedCommands.Property(conversations, nameof(Conversation.Id));
            var contact = PreparedCommands.Property(conversations, nameof(Conversation.ContactId));
            var user = PreparedCommands.Property(conversations, nameof(Conversation.AssignedUserId));
            var assignedTeam = PreparedCommands.Property(conversations, nameof(Conversation.AssignedTeamId));
            var (teamId, teamName) = (PreparedCommands.Property(teams, nameof(TeamRow.Id)), PreparedCommands.Property(teams, nameof(TeamRow.Name)));
            return ($"SELECT c.{commands.Column(id)}, c.{commands.Column(user)}, c.{commands.Column(assignedTeam)}, t.{commands.Column(teamId)} " +
                    $"FROM {commands.Table(conversations)} AS c LEFT JOIN {commands.Table(teams)} AS t " +
                    $"ON t.{commands.Column(teamName)} = {commands.Parameter(1)} OR t.{commands.Column(teamId)} = {commands.Parameter(2)} " +
                    $"WHERE c.{commands.Column(contact)} = {commands.Parameter(0)}", [contact, teamName, teamId]);
        }, [contactId, team, teamById], row => new Handling(
            row.GetFieldValue<Guid>(0), row.IsDBNull(1) ? null : row.GetString(1), row.IsDBNull(2) ? null : row.GetFieldValue<Guid>(2),
            row.IsDBNull(3) ? null : row.GetFieldValue<Guid>(3)), cancellationToken);
        return rows.FirstOrDefault();
    }

    /// <summary>Who handles a contact's thread, and the id of the team a step names (null: no such team).</summary>
    private sealed record Handling(Guid ConversationId, string? AssignedUserId, Guid? AssignedTeamId, Guid? TeamId);
}
