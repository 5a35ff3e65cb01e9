using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Auth;

public sealed class AuthTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Login_ReturnsABearerTokenThatOpensTheApi()
    {
        var client = app.CreateClient();

        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = FlowsAppFactory.AdminEmail, password = FlowsAppFactory.AdminPassword });
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.True(tokens.TryGetProperty("refreshToken", out _));
        Assert.Equal(FlowsAppFactory.AdminEmail, me.GetProperty("email").GetString());
        Assert.Contains("Admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task RefreshToken_GivesANewAccessToken()
    {
        var client = app.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { email = FlowsAppFactory.AdminEmail, password = FlowsAppFactory.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });
        var forged = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "forged" });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.True((await refreshed.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("accessToken", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Theory]
    [InlineData(FlowsAppFactory.AdminEmail, "wrong-password")]
    [InlineData("nobody@test.local", "Whatever-1!")]
    public async Task Login_WithWrongCredentials_Is401Problem(string email, string password)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/auth/register")]
    [InlineData("/register")]
    public async Task SelfRegistration_IsNotExposed(string path)
    {
        var response = await app.CreateClient().PostAsJsonAsync(path, new { email = "intruder@test.local", password = "Intruder-Pa55!" });

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
    }

    [Theory]
    [InlineData("/api/contacts")]
    [InlineData("/api/teams")]
    [InlineData("/api/channels")]
    [InlineData("/api/users")]
    public async Task Api_WithoutAUser_Is401(string path) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task PublicEndpoints_NeedNoUser()
    {
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task HangfireDashboard_IsForAdminsOnly()
    {
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var agent = await NewUserClientAsync("Agent");

        var anonymousResponse = await anonymous.GetAsync("/hangfire");
        var agentResponse = await agent.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, anonymousResponse.StatusCode);
        Assert.StartsWith("/login", anonymousResponse.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        // An API client (bearer token) is told plainly; browsers with the cookie are sent to /access-denied (PageAccessTests).
        Assert.Equal(HttpStatusCode.Forbidden, agentResponse.StatusCode);
    }

    [Fact]
    public async Task Admin_CreatesUsersWithRoles_WhoCanThenSignIn()
    {
        var admin = await app.CreateAdminClientAsync();
        var email = TestData.NewEmail();

        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Mia Marketing", password = "Marketing-Pa55!", roles = new[] { "Marketing" } });
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var marketing = await app.CreateClientForAsync(email, "Marketing-Pa55!");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["Marketing"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync("/api/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketing.GetAsync("/api/users")).StatusCode);
    }

    [Theory]
    [InlineData("""{ "email": "not-an-email", "password": "Valid-Pa55!" }""", "email")]
    [InlineData("""{ "email": "someone@test.local", "password": "short" }""", "password")]
    [InlineData("""{ "email": "someone2@test.local", "password": "Valid-Pa55!", "roles": ["Owner"] }""", "roles")]
    public async Task CreateUser_WithBadInput_Is400SayingWhichField(string body, string field)
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task DisabledUser_CannotSignIn()
    {
        var admin = await app.CreateAdminClientAsync();
        var email = TestData.NewEmail();
        var user = await (await admin.PostAsJsonAsync("/api/users", new { email, password = "Agent-Pa55word!" })).Content.ReadFromJsonAsync<JsonElement>();

        (await admin.PostAsync($"/api/users/{user.GetProperty("id").GetString()}/disable", null)).EnsureSuccessStatusCode();
        var login = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password = "Agent-Pa55word!" });

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    private async Task<HttpClient> NewUserClientAsync(string role)
    {
        var admin = await app.CreateAdminClientAsync();
        var email = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email, password = "Some-Pa55word!", roles = new[] { role } })).EnsureSuccessStatusCode();
        return await app.CreateClientForAsync(email, "Some-Pa55word!");
    }
}
