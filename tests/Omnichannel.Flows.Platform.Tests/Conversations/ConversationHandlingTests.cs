using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Conversations;

public sealed class ConversationHandlingTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Update_AgentOutsideTheChosenTeam_IsRefusedAndNothingChanges()
    {
        var (contactId, agentId, teamId, _) = await SeedAsync(agentInTeam: false);
        await using var db = database.CreateContext();

        var refusal = await Handling(db).UpdateAsync(contactId, new UpdateConversationRequest(null, new AssigneeRequest(agentId, teamId)), CancellationToken.None);

        Assert.Equal(Refusal.Invalid("assignee.userId", "The agent is not a member of that team."), refusal);
        await using var check = database.CreateContext();
        Assert.False(await check.Conversations.AnyAsync(c => c.ContactId == contactId && c.AssignedUserId != null));
    }

    [Fact]
    public async Task Update_ResolveAndAssignATeamMember_IsStoredAndShownWithNames()
    {
        var (contactId, agentId, teamId, teamName) = await SeedAsync(agentInTeam: true);
        await using var db = database.CreateContext();

        var refusal = await Handling(db).UpdateAsync(contactId,
            new UpdateConversationRequest(ConversationStatus.Resolved, new AssigneeRequest(agentId, teamId)), CancellationToken.None);

        Assert.Null(refusal);
        await using var check = database.CreateContext();
        var view = await Handling(check).GetAsync(contactId, CancellationToken.None);
        Assert.Equal(ConversationStatus.Resolved, view!.Status);
        Assert.Equal(new AssigneeView(agentId, "Agent Smith", teamId, teamName), view.Assignee);
    }

    private static ConversationHandling Handling(FlowsDbContext db) => new(db, new ContactQueries(db), new FakeTimeProvider(Now));

    private async Task<(Guid ContactId, string AgentId, Guid TeamId, string TeamName)> SeedAsync(bool agentInTeam)
    {
        await using var db = database.CreateContext();
        var contact = new Contact { DisplayName = "Customer", CreatedAt = Now, UpdatedAt = Now };
        var agent = new ApplicationUser { UserName = $"{Guid.NewGuid():N}@example.com", DisplayName = "Agent Smith", CreatedAt = Now };
        var team = new Team { Name = $"Returns {Guid.NewGuid():N}"[..16], CreatedAt = Now };
        if (agentInTeam)
        {
            team.Members.Add(new TeamMember { UserId = agent.Id });
        }

        db.AddRange(contact, agent, team);
        await db.SaveChangesAsync();
        return (contact.Id, agent.Id, team.Id, team.Name);
    }
}
