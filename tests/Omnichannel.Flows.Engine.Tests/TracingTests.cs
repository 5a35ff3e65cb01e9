using System.Diagnostics;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task Start_FaultingFlow_RecordsAnErrorSpanForTheInstance()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FlowTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span => { lock (spans) { spans.Add(span); } },
        };
        ActivitySource.AddActivityListener(listener);
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("traced").Node("start", "flow.manualTrigger").Node("call", "test.flaky").Connect("start", "done", "call").Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Activity span;
        lock (spans)
        {
            span = spans.Single(s => (string?)s.GetTagItem("flow.instance_id") == instance.Id);
        }

        Assert.Equal("flow start", span.OperationName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("traced", span.GetTagItem("flow.id"));
    }
}
