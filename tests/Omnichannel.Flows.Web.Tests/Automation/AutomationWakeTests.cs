using System.Net.Http.Json;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>The event pump polls only every ten minutes here: a flow still answers a customer's message at once.</summary>
public sealed class SlowPollAutomationAppFactory : AutomationAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Automation:EventPollInterval"] = "00:10:00";
    }
}

public sealed class AutomationWakeTests(SlowPollAutomationAppFactory app) : IClassFixture<SlowPollAutomationAppFactory>
{
    [Fact]
    public async Task ACustomerMessage_WakesTheEventPump_WithoutWaitingForItsPoll()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("wake"), TestFlows.Node("start", "trigger.messageReceived"), TestFlows.Record()));

        await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello?");

        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1 && r[0].Status == FlowStatus.Finished,
            "the flow to run long before the next poll", TimeSpan.FromSeconds(15));
        Assert.Equal(1, app.Effects.CountFor(runs[0].Id));
    }

    [Fact]
    public async Task ATagAnAgentAdds_WakesTheEventPump_WithoutWaitingForItsPoll()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = $"wake-{Guid.NewGuid():N}"[..20];
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("tag-wake"), TestFlows.TagAdded(tag), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1 && r[0].Status == FlowStatus.Finished,
            "the tag's flow to run long before the next poll", TimeSpan.FromSeconds(15));
        Assert.Equal(contactId.ToString(), runs[0].SubjectId);
    }
}
