using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class WaitForReplyTests
{
    private static FlowBuilder AskAndWait() => new FlowBuilder("ask")
        .Node("start", "flow.manualTrigger")
        .Node("wait", "flow.waitForReply", new { timeout = "PT24H", saveAs = "reply" })
        .Node("thanks", "test.send", new { text = "Thanks: {{ flow.reply.text }}" })
        .Node("remind", "test.send", new { text = "Still there?" })
        .Connect("start", "done", "wait")
        .Connect("wait", "replied", "thanks")
        .Connect("wait", "timedOut", "remind");

    [Fact]
    public async Task WaitForReply_ContactReplies_TakesRepliedWithTheReply()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        var instance = (await harness.StartAsync(flow, subject: "contact-7")).Instance!;

        harness.Clock.Advance(TimeSpan.FromHours(2));
        var resumed = await harness.ReplyAsync("contact-7", new { text = "yes please" });

        Assert.Equal(ResumeOutcome.Resumed, Assert.Single(resumed).Outcome);
        Assert.Equal(["Thanks: yes please"], harness.Send.Texts);
        Assert.Equal(FlowStatus.Finished, harness.Instance(instance.Id).Status);
    }

    [Fact]
    public async Task WaitingRuns_OfSeveralContacts_AreFoundInOneAsk_ByContact()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        var first = (await harness.StartAsync(flow, subject: "contact-1")).Instance!;
        var second = (await harness.StartAsync(flow, subject: "contact-2")).Instance!;
        IFlowStore store = harness.Store;

        var waiting = await store.FindEventBookmarksAsync(
            Activities.BuiltIn.WaitForReplyActivity.MessageReceived, ["contact-1", "contact-2", "contact-3"], CancellationToken.None);

        Assert.Equal(["contact-1", "contact-2"], waiting.Keys.Order());
        Assert.Equal(first.Id, Assert.Single(waiting["contact-1"]).InstanceId);
        Assert.Equal(second.Id, Assert.Single(waiting["contact-2"]).InstanceId);
    }

    [Fact]
    public async Task WaitForReply_NoReplyInTime_TakesTimedOut()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        await harness.StartAsync(flow, subject: "contact-7");

        harness.Clock.Advance(TimeSpan.FromHours(24));
        await harness.FireDueTimersAsync();

        Assert.Equal(["Still there?"], harness.Send.Texts);
    }

    [Fact]
    public async Task WaitForReply_ReplyFirst_TimeoutLaterIsIgnored()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        await harness.StartAsync(flow, subject: "contact-7");

        await harness.ReplyAsync("contact-7", new { text = "hi" });
        harness.Clock.Advance(TimeSpan.FromHours(25));
        var timeout = await harness.FireDueTimersAsync();

        Assert.Equal(ResumeOutcome.AlreadyConsumed, Assert.Single(timeout).Outcome);
        Assert.Equal(["Thanks: hi"], harness.Send.Texts);
        Assert.Empty(harness.Store.Bookmarks());
    }

    [Fact]
    public async Task WaitForReply_TimeoutFirst_LaterReplyIsIgnored()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        await harness.StartAsync(flow, subject: "contact-7");

        harness.Clock.Advance(TimeSpan.FromHours(24));
        await harness.FireDueTimersAsync();
        var reply = await harness.ReplyAsync("contact-7", new { text = "sorry, late" });

        Assert.Empty(reply);
        Assert.Equal(["Still there?"], harness.Send.Texts);
    }

    [Fact]
    public async Task WaitForReply_OtherContactWrites_KeepsWaiting()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(AskAndWait().Build());
        var instance = (await harness.StartAsync(flow, subject: "contact-7")).Instance!;

        var resumed = await harness.ReplyAsync("contact-8", new { text = "hello" });

        Assert.Empty(resumed);
        Assert.Equal(FlowStatus.Suspended, harness.Instance(instance.Id).Status);
        Assert.Equal(2, harness.Store.Bookmarks().Count);
    }
}
