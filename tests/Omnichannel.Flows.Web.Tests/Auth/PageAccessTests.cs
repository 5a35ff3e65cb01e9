using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Auth;

/// <summary>Browsers are sent to sign in; API callers get a status code they can act on.</summary>
public sealed class PageAccessTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData("/admin/users")]
    [InlineData("/")]
    public async Task Page_Anonymous_RedirectsToTheLoginPageWithTheWayBack(string path)
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
        Assert.Contains($"ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_Anonymous_Answers401WithoutARedirect()
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/api/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Api_AgentAskingForAdminData_Answers403WithoutARedirect()
    {
        var email = TestData.NewEmail();
        using (var admin = await app.CreateAdminClientAsync())
        {
            (await admin.PostAsJsonAsync("/api/users", new { email, password = "Agent-Pa55word!", roles = new[] { "Agent" } })).EnsureSuccessStatusCode();
        }

        using var agent = await app.CreateClientForAsync(email, "Agent-Pa55word!");
        using var response = await agent.GetAsync("/api/users");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
