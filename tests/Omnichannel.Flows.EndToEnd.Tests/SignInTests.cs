using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class SignInTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task SignIn_WithTheAdminPassword_ShowsTheOverviewSignedIn()
    {
        var page = await OpenPageAsync();

        await SignInAsync(page, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword);

        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Customer simulator" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_SaysSoAndStaysOnTheLoginPage()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("login");

        await page.Locator("#email").FillAsync(EndToEndApp.AdminEmail);
        await page.Locator("#password").FillAsync("not-the-password");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("Wrong email or password.");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
    }
}
