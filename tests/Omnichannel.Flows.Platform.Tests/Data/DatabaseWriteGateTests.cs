using System.Diagnostics.Metrics;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class DatabaseWriteGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Enter_WhileAnotherWriterHasTheTurn_WaitsUntilItIsPassedOn()
    {
        var gate = new DatabaseWriteGate();

        await AssertTheNextWaitsUntilPassedOnAsync(gate, await gate.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task EachTurn_IsMeasured_HowLongItsWriterWaitedAndHeldIt_NamedByItsClassAndMethod()
    {
        var gate = new DatabaseWriteGate();
        var measured = new List<(string Instrument, double Seconds, string? Writer)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FlowsTelemetry.Name && instrument.Name.StartsWith("flows.db.write_turn.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var writer = tags.ToArray().FirstOrDefault(t => t.Key == "db.writer").Value as string;
            if (writer?.StartsWith(nameof(DatabaseWriteGateTests), StringComparison.Ordinal) == true)
            {
                lock (measured)
                {
                    measured.Add((instrument.Name, value, writer));
                }
            }
        });
        listener.Start();

        var first = await gate.EnterAsync(CancellationToken.None);
        var second = HoldBrieflyAsync(gate);
        await Task.Delay(TimeSpan.FromMilliseconds(30)); // the second writer queues behind the first
        first.Dispose();
        await second.WaitAsync(Patience);

        double Measured(string instrument, string method) =>
            Assert.Single(measured, m => m.Instrument == instrument && m.Writer == $"{nameof(DatabaseWriteGateTests)}.{method}").Seconds;
        // The first writer held the turn while the second queued; the second held it briefly.
        Assert.InRange(Measured("flows.db.write_turn.held", nameof(EachTurn_IsMeasured_HowLongItsWriterWaitedAndHeldIt_NamedByItsClassAndMethod)), 0.02, Patience.TotalSeconds);
        Assert.InRange(Measured("flows.db.write_turn.wait", nameof(HoldBrieflyAsync)), 0.02, Patience.TotalSeconds);
        Assert.InRange(Measured("flows.db.write_turn.held", nameof(HoldBrieflyAsync)), 0, Patience.TotalSeconds);
    }

    private static async Task HoldBrieflyAsync(DatabaseWriteGate gate)
    {
        using (await gate.EnterAsync(CancellationToken.None))
        {
        }
    }

    [Fact]
    public async Task Waiters_GetTheirTurnInArrivalOrder()
    {
        // The webhook writer relies on this: it waits behind at most the one processing transaction ahead of it.
        var gate = new DatabaseWriteGate();
        var order = new List<int>();
        var held = await gate.EnterAsync(CancellationToken.None);
        var waiters = Enumerable.Range(1, 5).Select(async n =>
        {
            using (await gate.EnterAsync(CancellationToken.None))
            {
                order.Add(n);
            }
        }).ToList();

        held.Dispose();
        await Task.WhenAll(waiters).WaitAsync(Patience);

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public async Task PassingOnTheTurnTwice_DoesNotLetTwoWritersIn()
    {
        var gate = new DatabaseWriteGate();
        var turn = await gate.EnterAsync(CancellationToken.None);
        turn.Dispose();
        turn.Dispose();

        await AssertTheNextWaitsUntilPassedOnAsync(gate, await gate.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Enter_Cancelled_LeavesTheQueueWithoutTakingATurn()
    {
        var gate = new DatabaseWriteGate();
        var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var abandoned = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        held.Dispose();
        (await gate.EnterAsync(CancellationToken.None).WaitAsync(Patience)).Dispose();
    }

    [Fact]
    public async Task WebhookWaiting_WhileAWebhookCommitQueues_UntilItHasItsTurnOrGivesUp()
    {
        // Inbound processing ends its slice sooner while this is true.
        var gate = new DatabaseWriteGate();
        var held = await gate.EnterAsync(CancellationToken.None);
        Assert.False(gate.WebhookWaiting);

        var webhook = gate.EnterForWebhooksAsync(CancellationToken.None);
        Assert.True(gate.WebhookWaiting);
        held.Dispose();
        var turn = await webhook.WaitAsync(Patience);
        Assert.False(gate.WebhookWaiting);
        Assert.Equal(1, gate.WebhookTurns);

        using var cancel = new CancellationTokenSource();
        var abandoned = gate.EnterForWebhooksAsync(cancel.Token);
        Assert.True(gate.WebhookWaiting);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.False(gate.WebhookWaiting);
        Assert.Equal(1, gate.WebhookTurns);
        turn.Dispose();
    }

    private static async Task AssertTheNextWaitsUntilPassedOnAsync(DatabaseWriteGate gate, IDisposable held)
    {
        var next = gate.EnterAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);

        held.Dispose();
        (await next.WaitAsync(Patience)).Dispose();
    }
}
