using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Web.Components.Flows;
using Omnichannel.Flows.Web.Tests.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Flows;

/// <summary>The flows page: import files (each saved whole or not at all), and a flow's versions, runs, publish, disable.</summary>
public sealed class FlowsPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    private static readonly TimeSpan Eventually = TemplateTestSteps.Eventually;

    [Fact]
    public async Task ImportingFiles_SavesTheValidOne_AndListsWhereTheOtherIsWrong_SavingNothingOfIt()
    {
        await SignInAsAdminAsync();
        var page = RenderPage();
        var good = NewId("imported");
        var bad = NewId("broken");
        var broken = WaitingFlow(bad);
        broken["nodes"]![1]!["type"] = "flow.nosuchthing";

        var publish = page.FindComponent<MudSwitch<bool>>();
        await page.InvokeAsync(() => publish.Instance.ValueChanged.InvokeAsync(true));
        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText(WaitingFlow(good).ToJsonString(), "good.json"),
            InputFileContent.CreateFromText(broken.ToJsonString(), "broken.json"));

        page.WaitForAssertion(() => Assert.Contains($"good.json: {good} v1 imported and published", page.Find("[data-testid=flow-import-saved]").TextContent), Eventually);
        var error = Assert.Single(page.FindAll("[data-testid=flow-import-error]"));
        Assert.StartsWith("/nodes/1/type", error.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(broken["nodes"]![1]!["id"]!.GetValue<string>(), error.QuerySelector("[data-testid=flow-import-error-node]")!.TextContent);
        Assert.Contains("broken.json", page.Find("[data-testid=flow-import-refused]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal("live", RowOf(page, good).QuerySelector("[data-testid=flow-state]")!.TextContent.Trim()), Eventually);
        Assert.Empty(page.FindAll($"[data-testid=flow-row][data-flow='{bad}']"));
        Assert.Equal(HttpStatusCode.NotFound, (await (await App.CreateAdminClientAsync()).GetAsync($"/api/flows/{bad}")).StatusCode);
    }

    [Fact]
    public async Task ADraft_IsPublishedFromItsRow_AndThenLive()
    {
        await SignInAsAdminAsync();
        var id = NewId("draft");
        using var admin = await App.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/flows/import", WaitingFlow(id))).EnsureSuccessStatusCode();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("draft", RowOf(page, id).QuerySelector("[data-testid=flow-state]")!.TextContent.Trim()), Eventually);
        Assert.Equal("draft v1", RowOf(page, id).QuerySelector("[data-testid=flow-version]")!.TextContent.Trim());

        await page.InvokeAsync(() => RowOf(page, id).QuerySelector("[data-testid=flow-publish]")!.ClickAsync(new()));

        page.WaitForAssertion(() => Assert.Equal("live", RowOf(page, id).QuerySelector("[data-testid=flow-state]")!.TextContent.Trim()), Eventually);
        Assert.Equal("v1", RowOf(page, id).QuerySelector("[data-testid=flow-version]")!.TextContent.Trim());
        Assert.Empty(RowOf(page, id).QuerySelectorAll("[data-testid=flow-publish]"));
    }

    [Fact]
    public async Task DisablingALiveFlow_AsksFirst_ThenCancelsItsWaitingRun()
    {
        await SignInAsAdminAsync();
        var id = NewId("disable");
        using var admin = await App.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/flows/import?publish=true", WaitingFlow(id))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { })).StatusCode);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("1", RowOf(page, id).QuerySelector("[data-testid=flow-active]")!.TextContent.Trim()), Eventually);

        var clicked = page.InvokeAsync(() => RowOf(page, id).QuerySelector("[data-testid=flow-disable]")!.ClickAsync(new()));
        dialogs.WaitForAssertion(() => Assert.Contains("its active run will be cancelled", dialogs.Find(".mud-dialog").TextContent), Eventually);
        await dialogs.InvokeAsync(() => dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Disable").ClickAsync(new()));
        await clicked;

        page.WaitForAssertion(() => Assert.Equal("disabled", RowOf(page, id).QuerySelector("[data-testid=flow-state]")!.TextContent.Trim()), Eventually);
        var runs = await WaitForAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}/runs"),
            page => page.GetProperty("items").EnumerateArray().All(run => run.GetProperty("status").GetString() == "cancelled"));
        Assert.Single(runs.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task RunCounts_FollowRunsStartedElsewhere_AtThePagesNextRefresh()
    {
        await SignInAsAdminAsync();
        var id = NewId("refresh");
        using var admin = await App.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/flows/import?publish=true", WaitingFlow(id))).EnsureSuccessStatusCode();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("0", RowOf(page, id).QuerySelector("[data-testid=flow-active]")!.TextContent.Trim()), Eventually);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { })).StatusCode);
        Assert.Equal("0", RowOf(page, id).QuerySelector("[data-testid=flow-active]")!.TextContent.Trim());
        App.Clock.Advance(FlowsPage.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("1", RowOf(page, id).QuerySelector("[data-testid=flow-active]")!.TextContent.Trim()), Eventually);
    }

    [Fact]
    public async Task AnAgent_SeesTheFlows_ButNeitherImportNorTheirActions()
    {
        var id = NewId("read-only");
        using var admin = await App.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/flows/import?publish=true", WaitingFlow(id))).EnsureSuccessStatusCode();
        Authorization.SignInAs(Roles.Agent);

        var page = RenderPage();

        page.WaitForAssertion(() => RowOf(page, id), Eventually);
        Assert.Empty(page.FindAll("[data-testid=flow-import]"));
        Assert.Empty(RowOf(page, id).QuerySelectorAll("[data-testid=flow-disable], [data-testid=flow-publish], [data-testid=flow-retry]"));
        Assert.Equal($"/api/flows/{id}/export", RowOf(page, id).QuerySelector("[data-testid=flow-export]")!.GetAttribute("href"));
    }

    private IRenderedComponent<FlowsPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<FlowsPage>();
    }

    private static IElement RowOf(IRenderedComponent<FlowsPage> page, string id) => page.Find($"[data-testid=flow-row][data-flow='{id}']");

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    /// <summary>Started by hand, waits an hour.</summary>
    private static JsonObject WaitingFlow(string id) => JsonNode.Parse($$"""
        {
          "schemaVersion": 1, "id": "{{id}}", "name": "Waits {{id}}", "version": 1, "concurrency": "parallel",
          "nodes": [
            { "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } },
            { "id": "wait", "type": "flow.wait", "inputs": { "duration": "PT1H" }, "position": { "x": 0, "y": 120 } }
          ],
          "connections": [ { "source": { "node": "start", "port": "done" }, "target": { "node": "wait", "port": "in" } } ]
        }
        """)!.AsObject();

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow + Eventually;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
        }
    }
}
