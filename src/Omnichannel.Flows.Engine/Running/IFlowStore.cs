using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Where instances, bookmarks and the journal live; the platform implements it on EF Core with group commit. The
/// runner holds the instance's lock (<see cref="IFlowInstanceLocks"/>) around every call about an existing instance.
/// </summary>
public interface IFlowStore
{
    /// <summary>
    /// Decides whether a trigger starts <paramref name="request"/>'s instance, atomically and durably:
    /// <list type="number">
    /// <item>the flow's event id seen before → <see cref="StartVerdict.DuplicateEvent"/>; otherwise record it (whatever follows);</item>
    /// <item>active instances (running or suspended) of the flow for the same subject (null counts as one subject):
    /// <c>single</c> → <see cref="StartVerdict.AlreadyRunning"/> if any; <c>restart</c> → mark them cancelled and
    /// delete their bookmarks, returning their ids; <c>parallel</c> → leave them;</item>
    /// <item>insert <see cref="StartRequest.Instance"/> and answer <see cref="StartVerdict.Start"/>.</item>
    /// </list>
    /// A unique index on (flow id, event id) and an index on (flow id, subject id, status) make this one short transaction.
    /// </summary>
    ValueTask<StartDecision> TryStartAsync(StartRequest request, CancellationToken cancellationToken);

    /// <summary>The instance as last saved (including buffered checkpoints), or null.</summary>
    ValueTask<FlowInstance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Event bookmarks waiting for <paramref name="eventName"/> about <paramref name="correlationKey"/>.</summary>
    ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string correlationKey, CancellationToken cancellationToken);

    /// <summary>
    /// Event bookmarks waiting for <paramref name="eventName"/> about any of <paramref name="correlationKeys"/>, by key (keys
    /// without any are left out). A store answers it with one query; this default asks per key.
    /// </summary>
    async ValueTask<IReadOnlyDictionary<string, IReadOnlyList<Bookmark>>> FindEventBookmarksAsync(
        string eventName, IReadOnlyCollection<string> correlationKeys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, IReadOnlyList<Bookmark>>(StringComparer.Ordinal);
        foreach (var key in correlationKeys)
        {
            if (await FindEventBookmarksAsync(eventName, key, cancellationToken) is { Count: > 0 } bookmarks)
            {
                found[key] = bookmarks;
            }
        }

        return found;
    }

    /// <summary>
    /// Saves a step. The store may buffer it and return at once; it must apply checkpoints of an instance in order, and
    /// must drop a checkpoint for an instance it holds as cancelled (a restart may cancel an instance mid-run).
    /// </summary>
    ValueTask AppendAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Saves a step and returns only once it and every earlier checkpoint of the instance are durable.</summary>
    ValueTask CommitAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// The conditional consume that makes resume idempotent: if the bookmark group of <paramref name="bookmark"/> still
    /// exists and the instance is still at the step the resume was computed from (its stored sequence is
    /// <paramref name="checkpoint"/>'s minus one), delete all of the group and save <paramref name="checkpoint"/> (the
    /// resumed step) durably, in one transaction, and return true; if not (already consumed, or the instance moved on),
    /// change nothing and return false. E.g. <c>UPDATE … WHERE Id = @i AND Sequence = @s</c>, then
    /// <c>DELETE FROM Bookmarks WHERE GroupId = @g</c>, proceeding only when both changed rows.
    /// </summary>
    ValueTask<bool> TryConsumeAsync(Bookmark bookmark, FlowCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <param name="Instance">The new instance (status running, the trigger node pending) to insert if it starts.</param>
public sealed record StartRequest(FlowInstance Instance, FlowConcurrency Concurrency);

public enum StartVerdict
{
    Start,
    DuplicateEvent,
    AlreadyRunning,
}

/// <param name="CancelledInstanceIds">Instances a <c>restart</c> cancelled to make way.</param>
public sealed record StartDecision(StartVerdict Verdict, IReadOnlyList<string> CancelledInstanceIds)
{
    public static StartDecision Start(IReadOnlyList<string>? cancelled = null) => new(StartVerdict.Start, cancelled ?? []);

    public static StartDecision DuplicateEvent { get; } = new(StartVerdict.DuplicateEvent, []);

    public static StartDecision AlreadyRunning { get; } = new(StartVerdict.AlreadyRunning, []);
}
