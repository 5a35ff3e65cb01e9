using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class VersionTests
{
    private static FlowBuilder Version(string text) => new FlowBuilder("reminder")
        .Node("start", "flow.manualTrigger")
        .Node("wait", "flow.wait", new { duration = "PT1H" })
        .Node("send", "test.send", new { text })
        .Connect("start", "done", "wait")
        .Connect("wait", "done", "send");

    [Fact]
    public async Task Resume_AfterNewVersionPublished_ContinuesOnTheVersionItStartedOn()
    {
        var harness = new FlowHarness();
        var v1 = harness.Publish(Version("from v1").Build(version: 1));
        var old = (await harness.StartAsync(v1)).Instance!;

        var v2 = harness.Publish(Version("from v2").Build(version: 2));
        var fresh = (await harness.StartAsync(v2, subject: "contact-2")).Instance!;
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.FireDueTimersAsync();

        Assert.Equal(1, harness.Instance(old.Id).Version);
        Assert.Equal(2, harness.Instance(fresh.Id).Version);
        Assert.Equal(["from v1", "from v2"], harness.Send.Texts);
    }
}
