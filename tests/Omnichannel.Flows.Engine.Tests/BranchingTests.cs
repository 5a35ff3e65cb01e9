using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class BranchingTests
{
    private static readonly object VipCondition = new { all = new[] { new { field = "contact.tags", @operator = "contains", value = "vip" } } };

    private static FlowBuilder ConditionFlow() => new FlowBuilder("vip-check")
        .Node("start", "flow.manualTrigger")
        .Node("check", "flow.condition", new { condition = VipCondition })
        .Node("vip", "test.send", new { text = "Welcome back, VIP" })
        .Node("regular", "test.send", new { text = "Welcome" })
        .Connect("start", "done", "check")
        .Connect("check", "true", "vip")
        .Connect("check", "false", "regular");

    [Fact]
    public async Task Condition_ContactHasTag_TakesTruePort()
    {
        var harness = new FlowHarness { Facts = TestFacts.With(("contact.tags", new[] { "new", "VIP" })) };
        var flow = harness.Publish(ConditionFlow().Build());

        var result = await harness.StartAsync(flow);

        Assert.Equal(FlowStatus.Finished, result.Instance!.Status);
        Assert.Equal(["Welcome back, VIP"], harness.Send.Texts);
        Assert.Equal(["start", "check", "vip"], harness.Steps(result.Instance.Id));
    }

    [Fact]
    public async Task Condition_ContactLacksTag_TakesFalsePort()
    {
        var harness = new FlowHarness { Facts = TestFacts.With(("contact.tags", new[] { "new" })) };
        var flow = harness.Publish(ConditionFlow().Build());

        await harness.StartAsync(flow);

        Assert.Equal(["Welcome"], harness.Send.Texts);
    }

    [Theory]
    [InlineData("gold", false, "gold")]
    [InlineData("Silver ", false, "silver")]
    [InlineData("bronze", true, "urgent")]
    [InlineData("bronze", false, "default")]
    public async Task Switch_EachCase_TakesItsPort(string plan, bool urgent, string expectedPort)
    {
        var harness = new FlowHarness { Facts = TestFacts.With(("contact.fields.plan", plan), ("message.text", urgent ? "URGENT: help" : "hi")) };
        var flow = harness.Publish(new FlowBuilder("plans")
            .Node("start", "flow.manualTrigger")
            .Node("route", "flow.switch", new
            {
                value = "{{ contact.fields.plan }}",
                cases = new object[]
                {
                    new { name = "urgent", condition = new { any = new[] { new { field = "message.text", @operator = "startsWith", value = "urgent" } } } },
                    new { name = "gold", value = "gold" },
                    new { name = "silver", value = "silver" },
                },
            })
            .Node("urgent", "test.send", new { text = "urgent" })
            .Node("gold", "test.send", new { text = "gold" })
            .Node("silver", "test.send", new { text = "silver" })
            .Node("other", "test.send", new { text = "default" })
            .Connect("start", "done", "route")
            .Connect("route", "urgent", "urgent")
            .Connect("route", "gold", "gold")
            .Connect("route", "silver", "silver")
            .Connect("route", "default", "other")
            .Build());

        var result = await harness.StartAsync(flow);

        Assert.Equal([expectedPort], harness.Send.Texts);
        var step = harness.Store.Journal(result.Instance!.Id).Single(e => e.NodeId == "route");
        Assert.Equal(expectedPort == "default" ? "default" : expectedPort, step.Port);
    }

    [Fact]
    public async Task FanOut_OnePortToSeveralNodes_RunsEveryTarget()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("fan")
            .Node("start", "flow.manualTrigger")
            .Node("a", "test.send", new { text = "a" })
            .Node("b", "test.send", new { text = "b" })
            .Node("c", "test.send", new { text = "c" })
            .Connect("start", "done", "a")
            .Connect("start", "done", "b")
            .Connect("a", "done", "c")
            .Build());

        var result = await harness.StartAsync(flow);

        Assert.Equal(["a", "b", "c"], harness.Send.Texts);
        Assert.Equal(FlowStatus.Finished, result.Instance!.Status);
    }

    [Fact]
    public async Task End_WhileAnotherBranchWaits_FinishesAndDropsTheWait()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("ending")
            .Node("start", "flow.manualTrigger")
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Node("end", "flow.end")
            .Node("later", "test.send", new { text = "never" })
            .Connect("start", "done", "wait")
            .Connect("start", "done", "end")
            .Connect("wait", "done", "later")
            .Build());

        var result = await harness.StartAsync(flow);
        harness.Clock.Advance(TimeSpan.FromHours(2));
        var resumed = await harness.FireDueTimersAsync();

        Assert.Equal(FlowStatus.Finished, result.Instance!.Status);
        Assert.Empty(harness.Store.Bookmarks());
        Assert.All(resumed, r => Assert.Equal(ResumeOutcome.AlreadyConsumed, r.Outcome));
        Assert.Empty(harness.Send.Texts);
    }

    [Fact]
    public async Task SetVariable_RenderedValue_IsReadByLaterNodes()
    {
        var harness = new FlowHarness { Facts = TestFacts.With(("contact.first_name", "Ana")) };
        var flow = harness.Publish(new FlowBuilder("vars")
            .Node("start", "flow.manualTrigger")
            .Node("set", "flow.setVariable", new { name = "greeting", value = "Hola {{ contact.first_name }}" })
            .Node("send", "test.send", new { text = "{{ flow.greeting }}!" })
            .Connect("start", "done", "set")
            .Connect("set", "done", "send")
            .Build());

        var result = await harness.StartAsync(flow);

        Assert.Equal(["Hola Ana!"], harness.Send.Texts);
        Assert.Equal("Hola Ana", result.Instance!.Variables["greeting"].GetString());
    }
}
