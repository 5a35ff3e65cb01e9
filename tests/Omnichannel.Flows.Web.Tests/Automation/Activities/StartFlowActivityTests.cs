using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Endpoint = Omnichannel.Flows.Engine.Definitions.Endpoint;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary><c>flow.start</c>: one flow starting another published flow for the same contact.</summary>
public sealed class StartFlowActivityTests(ActivityAppFactory app) : IClassFixture<ActivityAppFactory>
{
    [Fact]
    public async Task StartsThePublishedFlow_ForTheSameContact_WithTheTriggerAndWhoStartedIt()
    {
        var started = app.Publish(TagFlow("onboarding"));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (starter, step) = await app.RunActionAsync(contactId, "flow.start", new { flow = started.Id },
            System.Text.Json.JsonSerializer.SerializeToElement(new { channel = "whatsapp" }));

        Assert.Equal("done", step.Port);
        var child = Assert.Single(app.Store.Instances(), i => i.FlowId == started.Id);
        Assert.Equal((contactId.ToString(), FlowStatus.Finished), (child.SubjectId, child.Status));
        Assert.Equal("whatsapp", child.Trigger!.Value.GetProperty("channel").GetString());
        Assert.Equal(starter.Id, child.Trigger.Value.GetProperty("startedBy").GetProperty("instanceId").GetString());
        Assert.Equal(["onboarding"], await app.TagsAsync(contactId));
    }

    [Fact]
    public async Task RunAgainAfterACrash_StartsTheOtherFlowOnce()
    {
        var started = app.Publish(TagFlow("once"));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionThroughACrashAsync(contactId, "flow.start", new { flow = started.Id });

        Assert.Equal("done", step.Port);
        Assert.Single(app.Store.Instances(), i => i.FlowId == started.Id);
    }

    [Fact]
    public async Task AFlowThatIsNotPublished_TakesFailed()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionAsync(contactId, "flow.start", new { flow = "no-such-flow" });

        Assert.Equal("failed", step.Port);
        Assert.Contains("no published version", step.Recorded("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFlowStartingItself_StopsAtTheDepthLimit()
    {
        var id = $"loop-{Guid.NewGuid():N}";
        var loop = app.Publish(new FlowDefinition(id, "Loop", null, 1, FlowConcurrency.Parallel, false,
            [ActivitySteps.Node("start", "flow.manualTrigger", new { }, 0), ActivitySteps.Node("again", "flow.start", new { flow = id }, 300)],
            [new FlowConnection(new Endpoint("start", "done"), new Endpoint("again", Endpoint.InputPort))]));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        await app.StartAsync(loop, contactId);

        var instances = app.Store.Instances().Where(i => i.FlowId == id).ToList();
        Assert.Equal(1 + Platform.Automation.Activities.StartFlowActivity.MaxDepth, instances.Count);
        Assert.All(instances, i => Assert.Equal(FlowStatus.Finished, i.Status));
        var deepest = Assert.Single(instances, i => app.StepsOf(i.Id, "again").Single().Port == "failed");
        Assert.Contains("deep", app.StepsOf(deepest.Id, "again").Single().Recorded("reason"), StringComparison.Ordinal);
    }

    /// <summary>A flow to be started: manual start → tag (its node ids differ from the starting flow's).</summary>
    private static FlowDefinition TagFlow(string tag) => new(
        $"tagging-{Guid.NewGuid():N}", "Tagging", null, 1, FlowConcurrency.Single, false,
        [ActivitySteps.Node("manual", "flow.manualTrigger", new { }, 0), ActivitySteps.Node("tag", "contact.addTag", new { tag }, 300)],
        [new FlowConnection(new Endpoint("manual", "done"), new Endpoint("tag", Endpoint.InputPort))]);
}
