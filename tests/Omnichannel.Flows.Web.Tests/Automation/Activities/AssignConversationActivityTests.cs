using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary><c>conversation.assign</c>: to an agent, a team, or a team's members in turn.</summary>
public sealed class AssignConversationActivityTests(ActivityAppFactory app) : IClassFixture<ActivityAppFactory>
{
    [Fact]
    public async Task ToATeam_ByName_AssignsTheTeam()
    {
        var (teamId, _) = await app.TeamAsync("Returns", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I want to return this");

        await app.RunActionAsync(contactId, "conversation.assign", new { assignTo = "team", team = "Returns" });

        var conversation = await app.ConversationAsync(contactId);
        Assert.Equal(teamId, conversation.AssignedTeamId);
        Assert.Null(conversation.AssignedUserId);
    }

    [Fact]
    public async Task ToAnAgent_ByEmail_AssignsTheAgent()
    {
        var agentId = await app.AgentAsync("Ada");
        string email;
        await using (var db = await app.CreateDbContextAsync())
        {
            email = (await db.Users.Where(u => u.Id == agentId).Select(u => u.Email).SingleAsync())!;
        }

        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await app.RunActionAsync(contactId, "conversation.assign", new { assignTo = "agent", agent = email.ToUpperInvariant() });

        Assert.Equal(agentId, (await app.ConversationAsync(contactId)).AssignedUserId);
    }

    [Fact]
    public async Task RoundRobin_SpreadsConversationsEvenlyAcrossTheTeam_InTurn()
    {
        var (teamId, members) = await app.TeamAsync("Round robin", members: 3);
        var assigned = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), $"question {i}");
            await app.RunActionAsync(contactId, "conversation.assign", new { assignTo = "roundRobin", team = "Round robin" });
            var conversation = await app.ConversationAsync(contactId);
            Assert.Equal(teamId, conversation.AssignedTeamId);
            assigned.Add(conversation.AssignedUserId);
        }

        var order = members.Order(StringComparer.Ordinal).ToList();
        Assert.Equal([.. order, .. order], assigned);
    }

    [Fact]
    public async Task RoundRobin_StepRunAgainAfterACrash_KeepsItsMember_AndTakesNoExtraTurn()
    {
        var (_, members) = await app.TeamAsync("Crash team", members: 2);
        var first = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "first");
        var second = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "second");

        await app.RunActionThroughACrashAsync(first, "conversation.assign", new { assignTo = "roundRobin", team = "Crash team" });
        await app.RunActionAsync(second, "conversation.assign", new { assignTo = "roundRobin", team = "Crash team" });

        var order = members.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(order[0], (await app.ConversationAsync(first)).AssignedUserId);
        Assert.Equal(order[1], (await app.ConversationAsync(second)).AssignedUserId);
    }

    [Fact]
    public async Task OnlyIfUnassigned_LeavesAConversationSomeoneHandles()
    {
        var (ownTeam, _) = await app.TeamAsync("Already there", members: 1);
        await app.TeamAsync("Newcomers", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        await app.RunActionAsync(contactId, "conversation.assign", new { team = "Already there" });

        var (_, step) = await app.RunActionAsync(contactId, "conversation.assign", new { team = "Newcomers" });
        var kept = (await app.ConversationAsync(contactId)).AssignedTeamId;
        await app.RunActionAsync(contactId, "conversation.assign", new { team = "Newcomers", onlyIfUnassigned = false });

        Assert.StartsWith("unchanged", step.Recorded("assigned"), StringComparison.Ordinal);
        Assert.Equal(ownTeam, kept);
        Assert.NotEqual(ownTeam, (await app.ConversationAsync(contactId)).AssignedTeamId);
    }

    [Fact]
    public async Task ToATeam_OverAnAgent_ClearsTheAgent_AndKeepsTheRestOfTheThread()
    {
        var agentId = await app.AgentAsync("Grace");
        var (teamId, _) = await app.TeamAsync("Escalations", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "still broken");
        await app.RunActionAsync(contactId, "conversation.assign", new { assignTo = "agent", agent = agentId });
        var before = await app.ConversationAsync(contactId);

        await app.RunActionAsync(contactId, "conversation.assign", new { team = "Escalations", onlyIfUnassigned = false });

        var after = await app.ConversationAsync(contactId);
        Assert.Equal((null, teamId), (after.AssignedUserId, after.AssignedTeamId));
        Assert.Equal((before.Status, before.LastCustomerMessageAt, before.LastCustomerChannel), (after.Status, after.LastCustomerMessageAt, after.LastCustomerChannel));
    }

    [Fact]
    public async Task ToATeam_ForAContactWithoutAThreadYet_OpensOneAssignedToTheTeam()
    {
        var (teamId, _) = await app.TeamAsync("Welcome", members: 1);
        Guid contactId;
        await using (var db = await app.CreateDbContextAsync())
        {
            var contact = db.Contacts.Add(new Platform.Contacts.Contact { DisplayName = "Imported lead" }).Entity;
            await db.SaveChangesAsync();
            contactId = contact.Id;
        }

        await app.RunActionAsync(contactId, "conversation.assign", new { team = "Welcome" });

        var conversation = await app.ConversationAsync(contactId);
        Assert.Equal((Platform.Conversations.ConversationStatus.Open, teamId), (conversation.Status, conversation.AssignedTeamId));
    }

    [Fact]
    public async Task UnknownTeam_FaultsTheStep_WithTheName()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        var flow = app.Publish(ActivitySteps.OneAction("conversation.assign", new { team = "Nobody" }));

        var started = await app.StartAsync(flow, contactId);

        Assert.Equal(FlowStatus.Faulted, started.Instance!.Status);
        Assert.Equal("No team 'Nobody'.", started.Instance.Fault!.Message);
    }
}
