namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, launched by Playwright (never a downloaded browser). Without it the browser tests skip with a
/// visible reason — unless <c>OMNICHANNEL_REQUIRE_BROWSER=1</c> (CI), where a missing browser fails them.
/// <c>OMNICHANNEL_CHROMIUM_PATH</c> points elsewhere (e.g. at a missing file, to see the skip on a machine that has it).
/// </summary>
public static class Chromium
{
    public const string PathVariable = "OMNICHANNEL_CHROMIUM_PATH";
    public const string RequireVariable = "OMNICHANNEL_REQUIRE_BROWSER";

    public static string Path => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static IReadOnlyList<string> Args { get; } =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static bool IsInstalled => File.Exists(Path);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Skips the calling test when chromium is missing, or fails it when a browser is required.</summary>
    public static void SkipOrFailWhenMissing()
    {
        if (IsInstalled)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"Browser test failed: {RequireVariable}=1 but there is no chromium at {Path}.");
        }

        Assert.Skip($"Browser test skipped: no chromium at {Path} (install it with 'apt-get install -y chromium'; {PathVariable} points elsewhere).");
    }
}
