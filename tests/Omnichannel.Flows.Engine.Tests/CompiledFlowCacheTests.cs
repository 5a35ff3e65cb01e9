using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class CompiledFlowCacheTests
{
    private static FlowDefinition Flow(int version) => new FlowBuilder("reminder")
        .Node("start", "flow.manualTrigger")
        .Node("send", "test.send", new { text = "Hello {{ contact.first_name }}" })
        .Connect("start", "done", "send")
        .Build(version: version);

    [Fact]
    public async Task GetAsync_ManyRunsMissAtOnce_ReadAndCompileTheVersionOnce()
    {
        var harness = new FlowHarness();
        harness.Publish(Flow(1));
        var store = new GatedDefinitions(harness.Definitions);
        var cache = new CompiledFlowCache(store, harness.Compiler);

        var misses = Enumerable.Range(0, 50).Select(_ => cache.GetAsync("reminder", 1, CancellationToken.None).AsTask()).ToList();
        store.Open();
        var flows = await Task.WhenAll(misses);

        Assert.Equal(1, store.Reads);
        Assert.All(flows, flow => Assert.Same(flows[0], flow));
        Assert.Same(flows[0], await cache.GetAsync("reminder", 1, CancellationToken.None));
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task GetAsync_OneWaiterGivesUp_TheOthersStillGetTheFlow()
    {
        var harness = new FlowHarness();
        harness.Publish(Flow(1));
        var store = new GatedDefinitions(harness.Definitions);
        var cache = new CompiledFlowCache(store, harness.Compiler);
        using var givingUp = new CancellationTokenSource();

        var abandoned = cache.GetAsync("reminder", 1, givingUp.Token).AsTask();
        var waiting = cache.GetAsync("reminder", 1, CancellationToken.None).AsTask();
        await givingUp.CancelAsync();
        store.Open();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal("reminder", (await waiting).Id);
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task GetAsync_VersionMissing_FailsEveryWaiterAndIsReadAgainLater()
    {
        var harness = new FlowHarness();
        var store = new GatedDefinitions(harness.Definitions);
        var cache = new CompiledFlowCache(store, harness.Compiler);

        var misses = Enumerable.Range(0, 5).Select(_ => cache.GetAsync("reminder", 2, CancellationToken.None).AsTask()).ToList();
        store.Open();
        foreach (var miss in misses)
        {
            await Assert.ThrowsAsync<FlowNotFoundException>(() => miss);
        }

        harness.Publish(Flow(2));
        Assert.Equal(2, (await cache.GetAsync("reminder", 2, CancellationToken.None)).Version);
        Assert.Equal(2, store.Reads);
    }

    /// <summary>Holds every read until <see cref="Open"/>, and counts them.</summary>
    private sealed class GatedDefinitions(IFlowDefinitionStore inner) : IFlowDefinitionStore
    {
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public void Open() => open.TrySetResult();

        public async ValueTask<FlowDefinition?> FindAsync(string flowId, int version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            await open.Task;
            return await inner.FindAsync(flowId, version, cancellationToken);
        }
    }
}
