using System.Collections.Frozen;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>A run's consecutive steps written as one: the last step's run row, every step's bookmarks and journal, in order.</summary>
public sealed class StepRowsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Together_HasTheLastStepsRun_AndEveryStepsBookmarksAndJournal_InOrder()
    {
        var timer = new Bookmark("bm-1", "group-1", "run-1", "reminder", "wait", 1, 1, BookmarkKind.Timer, "done", At.AddHours(1), null, null, At);
        var first = Step(sequence: 3, "wait", FlowStatus.Suspended, added: [timer], removed: []);
        var second = Step(sequence: 4, "call", FlowStatus.Running, added: [], removed: [timer]);
        var third = Step(sequence: 5, "end", FlowStatus.Finished, added: [], removed: []);

        var rows = StepRows.Together([new StepRows(first), new StepRows(second), new StepRows(third)]);

        Assert.Equal(3, rows.FirstSequence);
        Assert.Equal(5, rows.Run.Sequence);
        Assert.Equal(FlowStatus.Finished, rows.Run.Status);
        Assert.Equal(FlowSnapshots.Serialize(third.Instance), rows.Run.Snapshot);
        Assert.Equal(["wait", "call", "end"], rows.Journal.Select(j => j.NodeId));
        Assert.Equal(["bm-1"], rows.Steps[0].Added.Select(b => b.Id));
        Assert.Equal(["bm-1"], rows.Steps[1].Removed.Select(b => b.Id));
        Assert.Empty(rows.Steps[2].Added);
    }

    [Fact]
    public void Together_ReusesTheLastStepsRunRow_WhenItsCallerBuiltIt()
    {
        var last = new StepRows(Step(sequence: 2, "end", FlowStatus.Finished, added: [], removed: []));
        var built = last.Run;

        var rows = StepRows.Together([new StepRows(Step(sequence: 1, "call", FlowStatus.Running, added: [], removed: [])), last]);

        Assert.Same(built, rows.Run);
    }

    private static FlowCheckpoint Step(long sequence, string nodeId, FlowStatus status, Bookmark[] added, Bookmark[] removed) => new(
        new FlowInstance
        {
            Id = "run-1",
            FlowId = "reminder",
            Version = 1,
            TriggerNodeId = "trigger",
            TriggerEventId = "event-1",
            Status = status,
            Bookmarks = [.. added],
            Sequence = sequence,
            CreatedAt = At,
            UpdatedAt = At.AddSeconds(sequence),
        },
        new JournalEntry("run-1", sequence, At.AddSeconds(sequence), nodeId, "flow." + nodeId, 1, 1, false, JournalOutcome.Continued, "done",
            FrozenDictionary<string, string>.Empty, null),
        added,
        removed);
}
