using Microsoft.Playwright;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class AdminPagesTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task UsersPage_AdminCreatesAnAgent_WhoIsListed()
    {
        var email = $"agent-{Guid.NewGuid():N}@e2e.local";
        var page = await OpenAsAdminAsync("admin/users", interactiveTestId: "user-create-submit");

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Display name").FillAsync("Maria Agent");
        await page.GetByLabel("Password").FillAsync("Agent-Pa55word!");
        await page.GetByTestId("user-create-submit").ClickAsync();

        var row = page.GetByTestId("user-row").Filter(new() { HasText = email });
        await Expect(row).ToContainTextAsync("Maria Agent");
        await Expect(row).ToContainTextAsync("Agent");
        await ScreenshotAsync(page, "admin-users");
    }

    [Fact]
    public async Task ChannelsPage_ShowsSandboxWhatsAppAndThreadsUnavailable()
    {
        var page = await OpenAsAdminAsync("admin/channels");

        var whatsApp = page.Locator("[data-testid=channel-row][data-channel=whatsapp]");
        await Expect(whatsApp.GetByTestId("channel-mode")).ToHaveTextAsync("sandbox");
        await Expect(whatsApp.GetByTestId("channel-webhook")).ToHaveTextAsync($"{Host.BaseUrl}webhooks/whatsapp");
        await Expect(page.Locator("[data-testid=channel-row][data-channel=threads]")).ToContainTextAsync("no direct-message API");
        await ScreenshotAsync(page, "admin-channels");
    }

    [Fact]
    public async Task FlowsPage_ImportsAFlowFile_AndItsExportDownloadsTheSameDocument()
    {
        var id = $"e2e-{Guid.NewGuid():N}"[..20];
        var document = $$$"""
            {"schemaVersion":1,"id":"{{{id}}}","name":"E2E {{{id}}}","version":1,"concurrency":"single","nodes":[{"id":"start","type":"flow.manualTrigger","inputs":{},"position":{"x":0,"y":0}},{"id":"wait","type":"flow.wait","inputs":{"duration":"PT1H"},"position":{"x":0,"y":120}}],"connections":[{"source":{"node":"start","port":"done"},"target":{"node":"wait","port":"in"}}]}
            """;
        var page = await OpenAsAdminAsync("flows", interactiveTestId: "flow-import-choose");
        // Files set before Blazor's InputFile has hooked its input (after the interactive render) are never read.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=flow-import] input[type=file]')?._blazorInputFileNextFileId !== undefined");

        await page.GetByTestId("flow-import").Locator("input[type=file]").SetInputFilesAsync(
            new FilePayload { Name = $"{id}.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(document) });

        await Expect(page.GetByTestId("flow-import-saved")).ToContainTextAsync($"{id} v1 imported as a draft");
        var row = page.Locator($"[data-testid=flow-row][data-flow={id}]");
        await Expect(row.GetByTestId("flow-state")).ToHaveTextAsync("draft");
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByTestId("flow-export").ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(document), System.Text.Json.Nodes.JsonNode.Parse(exported)),
            $"Exported: {exported}");
        await ScreenshotAsync(page, "flows");

        await row.GetByTestId("flow-runs-link").ClickAsync();
        await Expect(page.GetByTestId("runs-empty")).ToHaveTextAsync("No runs.");
        await Expect(page.GetByTestId("flow-state")).ToHaveTextAsync("draft");
    }

    [Fact]
    public async Task UsersPage_AsAnAgent_IsRefused()
    {
        var email = $"agent-{Guid.NewGuid():N}@e2e.local";
        using (var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword))
        {
            await admin.CreateUserAsync(email, "Agent-Pa55word!", "Agent");
        }

        var page = await OpenPageAsync();
        await SignInAsync(page, email, "Agent-Pa55word!");
        await page.GotoAsync("admin/users");

        await Expect(page.GetByTestId("access-denied")).ToHaveTextAsync("Your role does not give access to this page.");
        await Expect(page.GetByTestId("users-table")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
    }
}
