using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Web.Components;
using Omnichannel.Flows.Web.Components.Flows;
using Omnichannel.Flows.Web.Tests.Automation;
using Omnichannel.Flows.Web.Tests.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Flows;

/// <summary>
/// A flow's runs page: its runs by state, each with its journal, kept current while open; a faulted run retried, a
/// waiting one cancelled, and a run started by hand.
/// </summary>
public sealed class FlowRunsPageTests(AutomationAppFactory app) : ComponentTest(app), IClassFixture<AutomationAppFactory>
{
    private static readonly TimeSpan Eventually = TemplateTestSteps.Eventually;

    private AutomationAppFactory Automation => (AutomationAppFactory)App;

    [Fact]
    public async Task AFaultedRun_ShowsItsErrorAndJournal_AndARetryCarriesItOn()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var id = await Automation.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("page-flaky"), TestFlows.Manual(), TestFlows.Node("flaky", "test.flaky"), TestFlows.Record()));
        Automation.Effects.Failing = true;
        var runId = await AutomationTimerTests.StartAsync(admin, id);
        Automation.Effects.Failing = false;
        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Equal("Faulted", RowOf(page, runId).QuerySelector("[data-testid=run-status]")!.TextContent.Trim()), Eventually);
        Assert.Contains("The test made this step fail.", RowOf(page, runId).QuerySelector("[data-testid=run-error]")!.TextContent, StringComparison.Ordinal);
        await page.InvokeAsync(() => RowOf(page, runId).ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("The test made this step fail.", page.Find("[data-testid=journal-error]").TextContent, StringComparison.Ordinal), Eventually);

        await page.InvokeAsync(() => RowOf(page, runId).QuerySelector("[data-testid=run-retry]")!.ClickAsync(new()));

        page.WaitForAssertion(() => Assert.Equal("Finished", RowOf(page, runId).QuerySelector("[data-testid=run-status]")!.TextContent.Trim()), Eventually);
        Assert.Equal(["faulted", "continued → done"],
            page.FindAll("[data-testid=journal-step]").Where(step => step.TextContent.Contains("test.flaky", StringComparison.Ordinal))
                .Select(step => step.QuerySelector("[data-testid=journal-outcome]")!.TextContent.Trim()));
        Assert.Equal(1, Automation.Effects.CountFor(runId));
    }

    [Fact]
    public async Task WaitingRuns_AreListedByTheirFilter_AndOneIsCancelledFromItsRow()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var flow = TestFlows.Chain(TestFlows.NewId("page-wait"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record());
        flow["concurrency"] = "parallel";
        var id = await Automation.PublishAsync(admin, flow);
        var cancelled = await AutomationTimerTests.StartAsync(admin, id);
        var kept = await AutomationTimerTests.StartAsync(admin, id);
        var page = RenderPage(id);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=run-row]").Count), Eventually);

        await page.InvokeAsync(() => RowOf(page, cancelled).QuerySelector("[data-testid=run-cancel]")!.ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Equal("Cancelled", RowOf(page, cancelled).QuerySelector("[data-testid=run-status]")!.TextContent.Trim()), Eventually);
        var filter = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync("Suspended"));

        page.WaitForAssertion(() => Assert.Equal([kept], page.FindAll("[data-testid=run-row]").Select(row => row.GetAttribute("data-run"))), Eventually);
        Assert.Equal("Waiting", RowOf(page, kept).QuerySelector("[data-testid=run-status]")!.TextContent.Trim());
    }

    [Fact]
    public async Task AManualFlow_IsStartedForAContactPickedOnItsPage_WithTheTriggerDataTyped()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var id = await Automation.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("page-start"), TestFlows.Manual(),
            TestFlows.Node("reason", "flow.setVariable", new JsonObject { ["name"] = "reason", ["value"] = "because: {{ trigger.reason }}" }),
            TestFlows.Wait("PT1H")));
        var phone = TestData.NewGermanMobile();
        var contactId = await Automation.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var popovers = Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<FlowRunsPage>(parameters => parameters.Add(p => p.FlowId, id));
        await page.WaitForElement("input[data-testid=run-contact]", Eventually).InputAsync(phone[^8..]);
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll(".mud-list-item")), Eventually);
        await popovers.Find(".mud-list-item").ClickAsync(new());
        page.WaitForAssertion(() => Assert.StartsWith("Start for ", page.Find("[data-testid=run-start-button]").TextContent.Trim(), StringComparison.Ordinal), Eventually);

        Type(page, "run-trigger-data", "[\"callback\"]");
        await page.InvokeAsync(() => page.Find("[data-testid=run-start-button]").ClickAsync(new()));
        Assert.Contains("Trigger data is a JSON object", FieldText(page, "run-trigger-data"), StringComparison.Ordinal);
        Assert.Empty(await Automation.RunsAsync(id));

        Type(page, "run-trigger-data", "{ \"reason\": \"callback\" }");
        await page.InvokeAsync(() => page.Find("[data-testid=run-start-button]").ClickAsync(new()));

        var run = Assert.Single(await Automation.RunsAsync(id));
        Assert.Equal(contactId.ToString(), run.SubjectId);
        page.WaitForAssertion(() => Assert.Equal("Waiting", RowOf(page, run.Id).QuerySelector("[data-testid=run-status]")!.TextContent.Trim()), Eventually);
        Assert.Equal($"/contacts/{contactId}", RowOf(page, run.Id).QuerySelector("a")!.GetAttribute("href"));
        // The new run's journal is open: its step resolved the trigger data typed.
        Assert.Contains("because: callback", page.Find("[data-testid=run-journal]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsStartedElsewhere_AppearOnTheOpenPage_AtItsNextRefresh()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var flow = TestFlows.Chain(TestFlows.NewId("page-refresh"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record());
        flow["concurrency"] = "parallel";
        var id = await Automation.PublishAsync(admin, flow);
        var page = RenderPage(id);
        page.WaitForElement("[data-testid=runs-empty]", Eventually);

        var runId = await AutomationTimerTests.StartAsync(admin, id);
        Assert.Empty(page.FindAll("[data-testid=run-row]"));
        Automation.Clock.Advance(FlowRunsPage.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("Waiting", RowOf(page, runId).QuerySelector("[data-testid=run-status]")!.TextContent.Trim()), Eventually);
    }

    [Fact]
    public async Task ARunStartedElsewhere_ShowsAboutASecondLater_NotAtTheNextTick()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var id = await Automation.PublishWaitingFlowAsync(admin, "page-push");
        var page = RenderPage(id);
        page.WaitForElement("[data-testid=runs-empty]", Eventually);

        var runId = await AutomationTimerTests.StartAsync(admin, id);
        // The clock moves in small steps, giving the page real time between them, until the run shows (or the tick is due).
        var advanced = TimeSpan.Zero;
        while (page.FindAll($"[data-testid=run-row][data-run='{runId}']").Count == 0 && advanced < FlowRunsPage.RefreshEvery)
        {
            Automation.Clock.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
        }

        Assert.InRange(advanced, PageRefresh.Soonest / 2, PageRefresh.Soonest * 2);
    }

    [Fact]
    public async Task AFlowWithoutAManualStart_OffersNoStart_AndAnAgentIsOfferedNone()
    {
        using var admin = await App.CreateAdminClientAsync();
        var byTag = await Automation.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("page-by-tag"), TestFlows.TagAdded("page-by-tag"), TestFlows.Record()));
        var manual = await Automation.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("page-manual"), TestFlows.Manual(), TestFlows.Record()));
        await SignInAsAdminAsync();

        var page = RenderPage(byTag);
        page.WaitForElement("[data-testid=runs-empty]", Eventually);
        Assert.Empty(page.FindAll("[data-testid=run-start]"));

        Authorization.SignInAs(Roles.Agent);
        var asAgent = Render<FlowRunsPage>(parameters => parameters.Add(p => p.FlowId, manual));
        asAgent.WaitForElement("[data-testid=runs-empty]", Eventually);
        Assert.Empty(asAgent.FindAll("[data-testid=run-start]"));
    }

    [Fact]
    public async Task AContactsRuns_AreListedOnTheirProfile_AndEachLinksToItsJournal_EvenPastTheFirstPage()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var flow = TestFlows.Chain(TestFlows.NewId("page-contact"), TestFlows.Manual(), TestFlows.Record());
        flow["concurrency"] = "parallel";
        var id = await Automation.PublishAsync(admin, flow);
        var contactId = await Automation.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var oldest = await AutomationTimerTests.StartAsync(admin, id, contactId);
        Automation.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < FlowRunQueries.DefaultPageSize; i++)
        {
            await AutomationTimerTests.StartAsync(admin, id);
        }

        var panel = Render<ContactFlowRuns>(parameters => parameters.Add(p => p.ContactId, contactId));
        var link = panel.WaitForElement($"[data-testid=contact-flow-run][data-run='{oldest}'] [data-testid=contact-flow-run-link]", Eventually);
        Assert.Equal($"Test flow {id}", link.TextContent.Trim());
        Assert.Single(panel.FindAll("[data-testid=contact-flow-run]"));

        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo(link.GetAttribute("href")!);
        var page = Render<FlowRunsPage>(parameters => parameters.Add(p => p.FlowId, id));

        // The run is older than the first page of the list: its journal opens above it.
        page.WaitForAssertion(() => Assert.Equal(FlowRunQueries.DefaultPageSize, page.FindAll("[data-testid=run-row]").Count), Eventually);
        Assert.Empty(page.FindAll($"[data-testid=run-row][data-run='{oldest}']"));
        Assert.Contains("test.record", page.Find($"[data-testid=linked-run][data-run='{oldest}']").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/flows/{id}?run={oldest}", link.GetAttribute("href"));
    }

    [Fact]
    public async Task AnEarlierVersion_IsPublishedAgainFromTheVersionsPanel_AndNewRunsStartOnIt()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var id = TestFlows.NewId("page-versions");
        await Automation.PublishAsync(admin, TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Record()));
        await Automation.PublishAsync(admin, TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H")));
        var page = RenderPage(id);
        await page.InvokeAsync(() => page.WaitForElement("[data-testid=flow-versions] .mud-expand-panel-header", Eventually).ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=flow-version]").Count), Eventually);
        Assert.Equal("live: new runs start on it", VersionRow(page, 2).QuerySelector("[data-testid=flow-version-state]")!.TextContent.Trim());
        Assert.Empty(VersionRow(page, 2).QuerySelectorAll("[data-testid=flow-version-publish]"));
        Assert.Equal($"/api/flows/{id}/export?version=1", VersionRow(page, 1).QuerySelector("[data-testid=flow-version-export]")!.GetAttribute("href"));

        await page.InvokeAsync(() => VersionRow(page, 1).QuerySelector("[data-testid=flow-version-publish]")!.ClickAsync(new()));

        page.WaitForAssertion(() => Assert.Equal("live: new runs start on it", VersionRow(page, 1).QuerySelector("[data-testid=flow-version-state]")!.TextContent.Trim()), Eventually);
        Assert.Equal("published before", VersionRow(page, 2).QuerySelector("[data-testid=flow-version-state]")!.TextContent.Trim());
        var runId = await AutomationTimerTests.StartAsync(admin, id);
        var run = Assert.Single(await Automation.RunsAsync(id), r => r.Id == runId);
        Assert.Equal((1, FlowStatus.Finished), (run.Version, run.Status));
    }

    [Fact]
    public async Task AVersionSavedElsewhere_ShowsOnTheOpenPage_AtItsNextRefresh_WhileRefreshesForRunsAloneKeepTheVersions()
    {
        await SignInAsAdminAsync();
        using var admin = await App.CreateAdminClientAsync();
        var id = await Automation.PublishWaitingFlowAsync(admin, "page-new-version");
        var page = RenderPage(id);
        await page.InvokeAsync(() => page.WaitForElement("[data-testid=flow-versions] .mud-expand-panel-header", Eventually).ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=flow-version]")), Eventually);

        // A run changing reloads the runs; the versions stay as they are (the flow did not change).
        var runId = await AutomationTimerTests.StartAsync(admin, id);
        Automation.Clock.Advance(FlowRunsPage.RefreshEvery);
        page.WaitForAssertion(() => RowOf(page, runId), Eventually);
        Assert.Single(page.FindAll("[data-testid=flow-version]"));

        var draft = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT2H"));
        (await admin.PostAsync("/api/flows/import", System.Net.Http.Json.JsonContent.Create(draft))).EnsureSuccessStatusCode();
        Automation.Clock.Advance(FlowRunsPage.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("draft", VersionRow(page, 2).QuerySelector("[data-testid=flow-version-state]")!.TextContent.Trim()), Eventually);
    }

    private static IElement VersionRow(IRenderedComponent<FlowRunsPage> page, int version) =>
        page.Find($"[data-testid=flow-version][data-version='{version}']");

    private IRenderedComponent<FlowRunsPage> RenderPage(string flowId)
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<FlowRunsPage>(parameters => parameters.Add(p => p.FlowId, flowId));
    }

    private static IElement RowOf(IRenderedComponent<FlowRunsPage> page, string runId) => page.Find($"[data-testid=run-row][data-run='{runId}']");
}
