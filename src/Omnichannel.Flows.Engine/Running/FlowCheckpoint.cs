namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// What one step changed: the instance's new snapshot, the journal entry, and the bookmark rows to insert and delete.
/// Immutable, so a store may queue it and write many in one transaction (group commit). A store that buffers may
/// collapse checkpoints of one instance to the last snapshot, but must keep every journal entry and apply bookmark
/// changes in order.
/// </summary>
public sealed record FlowCheckpoint(
    FlowInstance Instance,
    JournalEntry Step,
    IReadOnlyList<Bookmark> AddedBookmarks,
    IReadOnlyList<Bookmark> RemovedBookmarks);
