using Bunit;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.Templates;
using static Omnichannel.Flows.Web.Tests.Components.Templates.TemplateTestSteps;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

/// <summary>"Sync now" against the fake Graph API, on a host of its own so the counts are exactly this test's.</summary>
public sealed class TemplateSyncPageTests : ComponentTest, IClassFixture<FlowsAppFactory>
{
    public TemplateSyncPageTests(FlowsAppFactory app) : base(app) =>
        // Only the syncs this test starts: the hourly one must not take the scripted answers at the top of an hour.
        app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(WhatsAppTemplateSync.JobId);

    [Fact]
    public async Task Sync_AsAdmin_ShowsWhatWasAddedUpdatedAndDeletedAndListsTheTemplates()
    {
        await SignInAsAdminAsync();
        App.Provider.Respond("/message_templates", FakeResponse.Json(MetaTemplatePayloads.Page(null,
            MetaTemplatePayloads.Template("5001", "order_shipped", "en_US", "APPROVED", "UTILITY", "Hi {{1}}, order {{2}} shipped."),
            MetaTemplatePayloads.Template("5002", "winter_sale", "de", "APPROVED", "MARKETING", "{{1}}, Winterschlussverkauf!"))));
        Render<MudPopoverProvider>();
        var page = Render<TemplatesPage>();
        page.WaitForElement("[data-testid=templates-table]", Eventually);

        await page.Find("[data-testid=templates-sync]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Synced with Meta: 2 added, 0 updated, 0 deleted (2 listed).",
            page.Find("[data-testid=templates-notice]").TextContent.Trim()), Eventually);
        page.WaitForAssertion(() => Assert.Equal(["order_shipped", "winter_sale"],
            page.FindAll("[data-testid=template-name]").Select(n => n.TextContent.Trim())), Eventually);
        Assert.Contains(App.Provider.Requests, r => r.Method == "GET" && r.Path == "/v24.0/WABA-1/message_templates");

        App.Provider.Respond("/message_templates", FakeResponse.Json(MetaTemplatePayloads.Page(null,
            MetaTemplatePayloads.Template("5001", "order_shipped", "en_US", "PAUSED", "UTILITY", "Hi {{1}}, order {{2}} shipped.", quality: "RED"))));
        await page.Find("[data-testid=templates-sync]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Synced with Meta: 0 added, 1 updated, 1 deleted (1 listed).",
            page.Find("[data-testid=templates-notice]").TextContent.Trim()), Eventually);
        page.WaitForAssertion(() => Assert.Equal("paused", page.Find("[data-testid=template-status]").TextContent.Trim()), Eventually);
        Assert.Single(page.FindAll("[data-testid=template-name]"));
    }
}

public sealed class TemplateSyncSandboxPageTests(SandboxWhatsAppFactory app) : ComponentTest(app), IClassFixture<SandboxWhatsAppFactory>
{
    [Fact]
    public async Task Sync_InSandboxMode_ShowsTheProblemAndCallsNobody()
    {
        await SignInAsAdminAsync();
        Render<MudPopoverProvider>();
        var page = Render<TemplatesPage>();
        page.WaitForElement("[data-testid=templates-table]", Eventually);

        await page.Find("[data-testid=templates-sync]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(
            "Nothing was synced: The WhatsApp channel is in sandbox mode: there is no WhatsApp Business Account to talk to.",
            page.Find("[data-testid=templates-notice]").TextContent.Trim()), Eventually);
        Assert.Contains("mud-alert-text-warning", page.Find("[data-testid=templates-notice]").ClassName);
        Assert.DoesNotContain(App.Provider.Requests, r => r.Path.Contains("message_templates", StringComparison.Ordinal));
    }
}
