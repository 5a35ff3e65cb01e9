using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>A test that drives the app in chromium: opens a page in its own context and signs in through /login.</summary>
public abstract class BrowserTest(EndToEndHost host) : IAsyncDisposable
{
    private IBrowserContext? context;
    private IPage? page;

    protected EndToEndHost Host => host;

    protected async Task<IPage> OpenPageAsync()
    {
        context = await host.NewBrowserContextAsync();
        page = await context.NewPageAsync();
        return page;
    }

    /// <summary>Signs in through the login form and waits until the app shows who is signed in.</summary>
    protected static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync(email);
    }

    /// <summary>
    /// Signs in as the admin and opens <paramref name="path"/>; with <paramref name="interactiveTestId"/>, waits until that
    /// control is enabled — it is only once the circuit is up, and typing before would be lost to the interactive render.
    /// </summary>
    protected async Task<IPage> OpenAsAdminAsync(string path, string? interactiveTestId = null)
    {
        var page = await OpenPageAsync();
        await SignInAsync(page, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword);
        await page.GotoAsync(path);
        if (interactiveTestId is not null)
        {
            await Expect(page.GetByTestId(interactiveTestId)).ToBeEnabledAsync();
        }

        return page;
    }

    /// <summary>
    /// Types <paramref name="search"/> into a MudBlazor autocomplete and chooses the option showing <paramref name="option"/>
    /// until the field shows it. A click that lands while the list renders again (the debounced search answering) is
    /// lost and the list stays open; then the option is clicked again.
    /// </summary>
    protected static async Task ChooseInAutocompleteAsync(IPage page, ILocator input, string search, string option)
    {
        await input.FillAsync(search);
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option });
        for (var attempt = 1; ; attempt++)
        {
            if (attempt == 1 || await item.IsVisibleAsync())
            {
                await item.ClickAsync();
            }

            try
            {
                await Expect(input).ToHaveValueAsync(option, new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                // Not chosen yet: click again if the list is still open, or keep waiting for the field.
            }
        }
    }

    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(EndToEndHost.ScreenshotFolder);
        var path = Path.Combine(EndToEndHost.ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"Screenshot: {path}");
    }

    public async ValueTask DisposeAsync()
    {
        if (page is not null && TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            // What the browser showed when the test failed, next to the other screenshots.
            await ScreenshotAsync(page, $"failed-{TestContext.Current.TestMethod?.MethodName}");
        }

        if (context is not null)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
