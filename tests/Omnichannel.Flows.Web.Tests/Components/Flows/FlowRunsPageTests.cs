using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using Omnichannel.Flows.Web.Components.Flows;
using Omnichannel.Flows.Web.Tests.Automation;
using Omnichannel.Flows.Web.Tests.Components.Templates;

namespace Omnichannel.Flows.Web.Tests.Components.Flows;

/// <summary>A flow's runs page: its runs by state, each with its journal, and a faulted run retried or a waiting one cancelled.</summary>
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

    private IRenderedComponent<FlowRunsPage> RenderPage(string flowId)
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<FlowRunsPage>(parameters => parameters.Add(p => p.FlowId, flowId));
    }

    private static IElement RowOf(IRenderedComponent<FlowRunsPage> page, string runId) => page.Find($"[data-testid=run-row][data-run='{runId}']");
}
