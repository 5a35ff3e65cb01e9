using Microsoft.Playwright;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One app and one browser for the whole assembly (2 cores are shared); each test gets its own browser context, so
/// cookies never leak between tests. The browser starts only when chromium is installed.
/// </summary>
public sealed class EndToEndHost : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public EndToEndApp App { get; } = new();

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>Where screenshots go, to look at after a run.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        App.StartServer();
        BaseUrl = App.BaseUrl;
        if (Chromium.IsInstalled)
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium.Path,
                Args = Chromium.Args,
                Headless = true,
            });
        }
    }

    /// <summary>A fresh browser context on the app; skips (or fails, when required) without chromium.</summary>
    public async Task<IBrowserContext> NewBrowserContextAsync()
    {
        Chromium.SkipOrFailWhenMissing();
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        // Actions and assertions alike: CI shares 2 cores between the app, chromium and the other test projects.
        context.SetDefaultTimeout(15_000);
        Assertions.SetDefaultExpectTimeout(15_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
    }
}
