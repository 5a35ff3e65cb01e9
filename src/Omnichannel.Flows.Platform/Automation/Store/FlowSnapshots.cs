using System.Text.Json;
using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>Maps the engine's immutable run state to rows and back: the snapshot as JSON, bookmarks and journal as columns.</summary>
internal static class FlowSnapshots
{
    private const int MaxError = 2000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(FlowInstance instance) => JsonSerializer.Serialize(instance, SnapshotJson.Default.FlowInstance);

    public static FlowInstance Deserialize(string snapshot) =>
        JsonSerializer.Deserialize(snapshot, SnapshotJson.Default.FlowInstance) ?? throw new InvalidOperationException("An empty flow instance snapshot.");

    public static FlowInstanceRecord ToRecord(FlowInstance instance) => new()
    {
        Id = instance.Id,
        FlowId = instance.FlowId,
        Version = instance.Version,
        SubjectId = instance.SubjectId,
        Status = instance.Status,
        TriggerEventId = instance.TriggerEventId,
        Snapshot = Serialize(instance),
        Sequence = instance.Sequence,
        Error = Truncate(instance.Fault?.Message),
        CreatedAt = instance.CreatedAt.UtcDateTime,
        UpdatedAt = instance.UpdatedAt.UtcDateTime,
    };

    public static FlowBookmarkRecord ToRecord(Bookmark bookmark) => new()
    {
        Id = bookmark.Id,
        GroupId = bookmark.GroupId,
        InstanceId = bookmark.InstanceId,
        FlowId = bookmark.FlowId,
        NodeId = bookmark.NodeId,
        Activation = bookmark.Activation,
        Attempt = bookmark.Attempt,
        Kind = bookmark.Kind,
        Port = bookmark.Port,
        DueAt = bookmark.DueAt?.UtcDateTime,
        EventName = bookmark.EventName,
        CorrelationKey = bookmark.CorrelationKey,
        CreatedAt = bookmark.CreatedAt.UtcDateTime,
    };

    public static Bookmark ToBookmark(FlowBookmarkRecord row) => new(
        row.Id, row.GroupId, row.InstanceId, row.FlowId, row.NodeId, row.Activation, row.Attempt, row.Kind, row.Port,
        row.DueAt is { } due ? new DateTimeOffset(due, TimeSpan.Zero) : null, row.EventName, row.CorrelationKey,
        new DateTimeOffset(row.CreatedAt, TimeSpan.Zero));

    public static FlowJournalRecord ToRecord(JournalEntry entry) => new()
    {
        InstanceId = entry.InstanceId,
        Sequence = entry.Sequence,
        At = entry.At.UtcDateTime,
        NodeId = entry.NodeId,
        ActivityType = entry.ActivityType,
        Activation = entry.Activation,
        Attempt = entry.Attempt,
        Resumed = entry.Resumed,
        Outcome = entry.Outcome,
        Port = entry.Port,
        Inputs = entry.Inputs.Count == 0 ? null : JsonSerializer.Serialize(entry.Inputs, Json),
        Error = Truncate(entry.Error),
    };

    public static string? Truncate(string? text) => text is { Length: > MaxError } ? text[..MaxError] : text;
}

/// <summary>
/// Snapshots as <see cref="FlowSnapshots.Json"/> writes them (web names, enums as names), with the serializer generated at
/// build time: a run is saved at every step, and a fresh process does not build its converters by reflection first.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FlowInstance))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
