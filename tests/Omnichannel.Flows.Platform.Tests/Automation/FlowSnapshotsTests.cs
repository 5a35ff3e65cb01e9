using System.Collections.Immutable;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>Snapshots are written by a generated serializer; runs stored before it, by reflection, must read the same.</summary>
public sealed class FlowSnapshotsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Serialize_WritesTheSameJsonAsTheReflectionSerializer()
    {
        var instance = WaitingRun();

        Assert.Equal(JsonSerializer.Serialize(instance, FlowSnapshots.Json), FlowSnapshots.Serialize(instance));
    }

    [Fact]
    public void Deserialize_ReadsASnapshotTheReflectionSerializerWrote_IntoTheSameRun()
    {
        var instance = WaitingRun();

        var read = FlowSnapshots.Deserialize(JsonSerializer.Serialize(instance, FlowSnapshots.Json));

        Assert.Equal(instance.Id, read.Id);
        Assert.Equal(FlowStatus.Suspended, read.Status);
        Assert.Equal(instance.Bookmarks, read.Bookmarks);
        Assert.Equal(instance.Pending, read.Pending);
        Assert.Equal(instance.Fault, read.Fault);
        Assert.Equal("Ada", read.Variables["name"].GetString());
        Assert.Equal("vip", read.Trigger!.Value.GetProperty("tag").GetString());
        Assert.Equal(JsonSerializer.Serialize(instance, FlowSnapshots.Json), JsonSerializer.Serialize(read, FlowSnapshots.Json));
    }

    private static FlowInstance WaitingRun() => new()
    {
        Id = "run-1",
        FlowId = "idle-reminder",
        Version = 3,
        SubjectId = Guid.Empty.ToString(),
        TriggerNodeId = "trigger",
        TriggerEventId = "event-1",
        Trigger = JsonSerializer.SerializeToElement(new { tag = "vip" }),
        Status = FlowStatus.Suspended,
        Variables = ImmutableDictionary.Create<string, JsonElement>(StringComparer.Ordinal).Add("name", JsonSerializer.SerializeToElement("Ada")),
        Pending = [new WorkItem("notify", 2, 1)],
        Bookmarks = [new Bookmark("bm-1", "group-1", "run-1", "idle-reminder", "wait", 1, 1, BookmarkKind.Timer, "done", At.AddHours(24), null, null, At)],
        Fault = new FlowFault("call", 1, 2, "HttpRequestException: refused", At),
        Sequence = 7,
        CreatedAt = At,
        UpdatedAt = At.AddMinutes(5),
    };
}
