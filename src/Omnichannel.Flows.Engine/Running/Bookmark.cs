using Omnichannel.Flows.Engine.Activities;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// A durable wait: a timer (<see cref="DueAt"/>) or an event (<see cref="EventName"/> about
/// <see cref="CorrelationKey"/>). Bookmarks a step created together form one <see cref="GroupId"/> (a reply and its
/// timeout): the first to fire consumes the whole group.
/// </summary>
public sealed record Bookmark(
    string Id,
    string GroupId,
    string InstanceId,
    string FlowId,
    string NodeId,
    long Activation,
    int Attempt,
    BookmarkKind Kind,
    string Port,
    DateTimeOffset? DueAt,
    string? EventName,
    string? CorrelationKey,
    DateTimeOffset CreatedAt);
