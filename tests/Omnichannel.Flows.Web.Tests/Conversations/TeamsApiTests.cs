using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Conversations;

public sealed class TeamsApiTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Create_ThenList_ShowsTheTeamWithItsMembers()
    {
        var admin = await app.CreateAdminClientAsync();
        var adminId = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var name = NewName("Support");

        var created = await admin.PostAsJsonAsync("/api/teams", new { name, memberUserIds = new[] { adminId } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var team = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, team.GetProperty("name").GetString());
        Assert.Equal(FlowsAppFactory.AdminEmail, team.GetProperty("members")[0].GetProperty("email").GetString());
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/teams");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), t => t.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Create_WithANameInUse_AnswersConflictPointingAtTheName()
    {
        var admin = await app.CreateAdminClientAsync();
        var name = NewName("Sales");
        (await admin.PostAsJsonAsync("/api/teams", new { name })).EnsureSuccessStatusCode();

        var again = await admin.PostAsJsonAsync("/api/teams", new { name });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("/name", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task SetMembers_WithAnUnknownUser_AnswersValidationProblemOnMemberUserIds()
    {
        var admin = await app.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/teams", new { name = NewName("Billing") });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var response = await admin.PutAsJsonAsync($"/api/teams/{id}/members", new[] { "no-such-user" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("memberUserIds", out _));
    }

    [Fact]
    public async Task Delete_RemovesTheTeam_AndASecondDeleteIsNotFound()
    {
        var admin = await app.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/teams", new { name = NewName("Temp") });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/teams/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/teams/{id}")).StatusCode);
    }

    private static string NewName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
