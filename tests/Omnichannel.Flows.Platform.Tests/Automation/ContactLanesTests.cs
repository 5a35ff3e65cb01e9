using System.Collections.Concurrent;
using Omnichannel.Flows.Platform.Automation.Dispatch;

namespace Omnichannel.Flows.Platform.Tests.Automation;

public sealed class ContactLanesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AContactsLaterWork_WaitsForItsEarlierWork_WhileOtherContactsWorkRunsBeside()
    {
        var lanes = new ContactLanes(parallelism: 4);
        var (ann, bob) = (Guid.NewGuid(), Guid.NewGuid());
        var annsFirstMayEnd = new TaskCompletionSource();
        var order = new ConcurrentQueue<string>();

        var annsFirst = lanes.RunAsync(ann, async () =>
        {
            order.Enqueue("ann 1 began");
            await annsFirstMayEnd.Task;
            order.Enqueue("ann 1 ended");
        }, CancellationToken.None);
        var annsSecond = lanes.RunAsync(ann, () => Record(order, "ann 2"), CancellationToken.None);
        var bobs = lanes.RunAsync(bob, () => Record(order, "bob"), CancellationToken.None);

        await bobs.WaitAsync(Patience);
        Assert.False(annsSecond.IsCompleted);
        Assert.True(lanes.IsBusy(ann));
        Assert.False(lanes.IsBusy(bob));

        annsFirstMayEnd.SetResult();
        await Task.WhenAll(annsFirst, annsSecond).WaitAsync(Patience);
        Assert.Equal(["ann 1 began", "ann 1 ended", "ann 2"], order.Where(step => step.StartsWith("ann", StringComparison.Ordinal)));
        Assert.False(lanes.IsBusy(ann));
    }

    [Fact]
    public async Task WorkWithoutAContact_SharesOneLane()
    {
        var lanes = new ContactLanes(parallelism: 4);
        var firstMayEnd = new TaskCompletionSource();
        var first = lanes.RunAsync(null, () => firstMayEnd.Task, CancellationToken.None);
        var second = lanes.RunAsync(null, () => Task.CompletedTask, CancellationToken.None);

        await Task.Delay(100);
        Assert.False(second.IsCompleted);

        firstMayEnd.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Patience);
    }

    [Fact]
    public async Task NoMoreThanTheParallelism_RunAtOnce()
    {
        var lanes = new ContactLanes(parallelism: 3);
        var (running, exceeded) = (0, false);
        var release = new TaskCompletionSource();
        var threeIn = new TaskCompletionSource();
        var work = Enumerable.Range(0, 10).Select(_ => lanes.RunAsync(Guid.NewGuid(), async () =>
        {
            var now = Interlocked.Increment(ref running);
            exceeded |= now > 3;
            if (now == 3)
            {
                threeIn.TrySetResult();
            }

            await release.Task;
            Interlocked.Decrement(ref running);
        }, CancellationToken.None)).ToList();

        await threeIn.Task.WaitAsync(Patience);
        await Task.Delay(100); // a fourth would have begun by now
        Assert.Equal(3, Volatile.Read(ref running));

        release.SetResult();
        await Task.WhenAll(work).WaitAsync(Patience);
        Assert.False(exceeded);
    }

    [Fact]
    public async Task EarlierWorkThatFailed_DoesNotStopTheContactsLaterWork()
    {
        var lanes = new ContactLanes(parallelism: 2);
        var contact = Guid.NewGuid();
        var failed = lanes.RunAsync(contact, () => throw new InvalidOperationException("the first failed"), CancellationToken.None);
        var ran = false;
        var later = lanes.RunAsync(contact, () =>
        {
            ran = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience));
        await later.WaitAsync(Patience);
        Assert.True(ran);
    }

    [Fact]
    public async Task Pruning_ForgetsOnlyLanesWhoseWorkEnded()
    {
        var lanes = new ContactLanes(parallelism: 2);
        var (done, busy) = (Guid.NewGuid(), Guid.NewGuid());
        var mayEnd = new TaskCompletionSource();
        await lanes.RunAsync(done, () => Task.CompletedTask, CancellationToken.None).WaitAsync(Patience);
        var running = lanes.RunAsync(busy, () => mayEnd.Task, CancellationToken.None);
        var order = new ConcurrentQueue<string>();
        var after = lanes.RunAsync(busy, () => Record(order, "after"), CancellationToken.None);

        lanes.Prune();

        Assert.True(lanes.IsBusy(busy));
        var again = lanes.RunAsync(busy, () => Record(order, "again"), CancellationToken.None);
        mayEnd.SetResult();
        await Task.WhenAll(running, after, again).WaitAsync(Patience);
        Assert.Equal(["after", "again"], order);
    }

    private static Task Record(ConcurrentQueue<string> order, string step)
    {
        order.Enqueue(step);
        return Task.CompletedTask;
    }
}
