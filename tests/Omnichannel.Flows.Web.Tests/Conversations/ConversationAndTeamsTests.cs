using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Conversations;

public sealed class ConversationAndTeamsTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Conversation_IsAssignedToATeamMember_ResolvedAndReopenedByTheCustomer()
    {
        var admin = await app.CreateAdminClientAsync();
        var agentEmail = TestData.NewEmail();
        var agent = await (await admin.PostAsJsonAsync("/api/users", new { email = agentEmail, displayName = "Ada Agent", password = "Agent-Pa55word!" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var agentId = agent.GetProperty("id").GetString();
        var team = await (await admin.PostAsJsonAsync("/api/teams", new { name = $"Support {Guid.NewGuid():N}"[..20], memberUserIds = new[] { agentId } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var teamId = team.GetProperty("id").GetGuid();
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "need help");

        var assigned = await admin.PutAsJsonAsync($"/api/contacts/{contactId}/conversation", new { assignee = new { userId = agentId, teamId } });
        var resolved = await admin.PutAsJsonAsync($"/api/contacts/{contactId}/conversation", new { status = "resolved" });
        await app.CustomerWritesOnWhatsAppAsync(phone, "one more thing");
        var reopened = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/conversation");

        var assignee = (await assigned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignee");
        Assert.Equal("Ada Agent", assignee.GetProperty("userName").GetString());
        Assert.Equal(team.GetProperty("name").GetString(), assignee.GetProperty("teamName").GetString());
        Assert.Equal("resolved", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("open", reopened.GetProperty("status").GetString());
        Assert.Equal("whatsapp", reopened.GetProperty("lastCustomerChannel").GetString());
    }

    [Fact]
    public async Task Assignment_ToANonMemberOrUnknownTeam_IsRefusedWithTheField()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var team = await (await admin.PostAsJsonAsync("/api/teams", new { name = $"Billing {Guid.NewGuid():N}"[..20] })).Content.ReadFromJsonAsync<JsonElement>();
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/auth/me");

        var notMember = await admin.PutAsJsonAsync($"/api/contacts/{contactId}/conversation",
            new { assignee = new { userId = me.GetProperty("id").GetString(), teamId = team.GetProperty("id").GetGuid() } });
        var unknownTeam = await admin.PutAsJsonAsync($"/api/contacts/{contactId}/conversation", new { assignee = new { teamId = Guid.NewGuid() } });
        var badStatus = await admin.PutAsJsonAsync($"/api/contacts/{contactId}/conversation", new { status = "archived" });

        Assert.Equal(HttpStatusCode.BadRequest, notMember.StatusCode);
        Assert.True((await notMember.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("assignee.userId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, unknownTeam.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("/status", (await badStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task Teams_AreUniqueByName_AndManagedByAdminsOnly()
    {
        var admin = await app.CreateAdminClientAsync();
        var name = $"VIP {Guid.NewGuid():N}"[..16];
        var agentEmail = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email = agentEmail, password = "Agent-Pa55word!" })).EnsureSuccessStatusCode();
        var agent = await app.CreateClientForAsync(agentEmail, "Agent-Pa55word!");

        var first = await admin.PostAsJsonAsync("/api/teams", new { name });
        var duplicate = await admin.PostAsJsonAsync("/api/teams", new { name });
        var byAgent = await agent.PostAsJsonAsync("/api/teams", new { name = "Agents' own" });
        var listedForAgent = await agent.GetFromJsonAsync<JsonElement>("/api/teams");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.Contains(listedForAgent.GetProperty("items").EnumerateArray(), t => t.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Thread_IsInSentOrder_AndPagesBackInTime()
    {
        var admin = await app.CreateAdminClientAsync();
        var phone = TestData.NewGermanMobile();
        var now = app.Clock.GetUtcNow();
        // A late delivery (sent earlier, arrives later) takes its place by the provider's timestamp.
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "third", now.AddMinutes(-1));
        await app.CustomerWritesOnWhatsAppAsync(phone, "first", now.AddMinutes(-30));
        await app.CustomerWritesOnWhatsAppAsync(phone, "second", now.AddMinutes(-10));

        var newest = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/messages?limit=2");
        var before = newest.GetProperty("nextBefore").GetDateTime().ToString("O");
        var older = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/messages?limit=2&before={Uri.EscapeDataString(before)}");

        Assert.Equal(["third", "second"], newest.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(["first"], older.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(JsonValueKind.Null, older.GetProperty("nextBefore").ValueKind);
    }
}
