using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class UsersPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    private const string GoodPassword = "Agent-Pa55word!";

    [Fact]
    public async Task CreateUser_WithValidInput_ListsTheUserAndStoresTheAgentRole()
    {
        var email = TestData.NewEmail();
        var cut = await RenderAsAdminAsync();

        Type(cut, "new-user-email", email);
        Type(cut, "new-user-name", "Maria Agent");
        Type(cut, "new-user-password", GoodPassword);
        await cut.Find("[data-testid=user-create-submit]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            var row = RowOf(cut, email);
            Assert.Contains("Maria Agent", row.TextContent);
            Assert.Contains("Agent", row.TextContent);
            Assert.Contains("Active", row.TextContent);
            Assert.Contains($"Created {email}.", cut.Find("[data-testid=users-notice]").TextContent);
        });
        Assert.Equal("", cut.Find("#new-user-email").GetAttribute("value"));
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var stored = await users.FindByEmailAsync(email);
        Assert.NotNull(stored);
        Assert.Equal([Roles.Agent], await users.GetRolesAsync(stored));
    }

    [Fact]
    public async Task CreateUser_WithABadEmailAndNoPassword_ShowsEachErrorNextToItsField()
    {
        var cut = await RenderAsAdminAsync();

        Type(cut, "new-user-email", "not-an-email");
        await cut.Find("[data-testid=user-create-submit]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("A valid email address is required.", FieldText(cut, "new-user-email"));
            Assert.Contains("A password is required.", FieldText(cut, "new-user-password"));
        });
        Assert.DoesNotContain("not-an-email", cut.Find("[data-testid=users-table]").TextContent);
    }

    [Fact]
    public async Task CreateUser_WithAWeakPassword_ShowsThePasswordRulesUnderThePassword()
    {
        var cut = await RenderAsAdminAsync();

        Type(cut, "new-user-email", TestData.NewEmail());
        Type(cut, "new-user-password", "weak");
        await cut.Find("[data-testid=user-create-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Passwords must be at least", FieldText(cut, "new-user-password")));
    }

    [Fact]
    public async Task EditOwnRoles_WithoutAdmin_IsRefusedAndKeepsTheRole()
    {
        var cut = await RenderAsAdminAsync();

        await EditButtonOf(cut, FlowsAppFactory.AdminEmail).ClickAsync(new());
        cut.Find("[data-testid=user-editor] input[type=checkbox]").Change(false); // Admin is the first role
        await cut.Find("[data-testid=user-save]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("You cannot remove your own Admin role.", cut.Find("[data-testid=roles-error]").TextContent));
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Contains(Roles.Admin, await users.GetRolesAsync((await users.FindByEmailAsync(FlowsAppFactory.AdminEmail))!));
    }

    [Fact]
    public async Task ResetPassword_LetsTheUserSignInWithTheNewOne()
    {
        var email = await CreateUserAsync();
        var cut = await RenderAsAdminAsync();

        await EditButtonOf(cut, email).ClickAsync(new());
        Type(cut, "edit-user-password", "Brand-New-Pa55!");
        await cut.Find("[data-testid=user-save]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("reset the password", cut.Find("[data-testid=users-notice]").TextContent));
        using var client = await App.CreateClientForAsync(email, "Brand-New-Pa55!");
        Assert.NotNull(client.DefaultRequestHeaders.Authorization);
    }

    [Fact]
    public async Task Disable_ShowsTheUserDisabledAndTheyCanNoLongerSignIn()
    {
        var email = await CreateUserAsync();
        var cut = await RenderAsAdminAsync();

        await RowOf(cut, email).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Disable").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Disabled", RowOf(cut, email).TextContent));
        await Assert.ThrowsAsync<HttpRequestException>(() => App.CreateClientForAsync(email, GoodPassword));
    }

    [Fact]
    public async Task OwnRow_OffersNoDisableButton()
    {
        var cut = await RenderAsAdminAsync();

        var buttons = RowOf(cut, FlowsAppFactory.AdminEmail).QuerySelectorAll("button").Select(b => b.TextContent.Trim()).ToList();

        Assert.Contains("Edit", buttons);
        Assert.DoesNotContain("Disable", buttons);
    }

    /// <summary>The page as the admin sees it, once the user list has loaded.</summary>
    private async Task<IRenderedComponent<UsersPage>> RenderAsAdminAsync()
    {
        await SignInAsAdminAsync();
        var cut = Render<UsersPage>();
        cut.WaitForElement("[data-testid=users-table]");
        return cut;
    }

    private async Task<string> CreateUserAsync()
    {
        var email = TestData.NewEmail();
        using var scope = App.Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateAsync(new CreateUserRequest(email, "Existing Agent", GoodPassword, [Roles.Agent]));
        Assert.NotNull(created.User);
        return email;
    }

    private static AngleSharp.Dom.IElement RowOf(IRenderedComponent<UsersPage> cut, string email) =>
        cut.FindAll("[data-testid=user-row]").Single(row => row.QuerySelector("[data-testid=user-email]")!.TextContent.Trim() == email);

    private static AngleSharp.Dom.IElement EditButtonOf(IRenderedComponent<UsersPage> cut, string email) =>
        RowOf(cut, email).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Edit");
}
