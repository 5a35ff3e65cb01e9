using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// An <see cref="IFlowStore"/> in memory, behaving as a real store must (conditional consume, event dedupe,
/// concurrency decisions, cancelled instances never resurrected) — for tests, previews and the platform's own tests.
/// Every write is "durable" at once; it counts appends and commits so tests can see which the runner asked for.
/// </summary>
public sealed class InMemoryFlowStore : IFlowStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, FlowInstance> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bookmark> bookmarks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JournalEntry>> journals = new(StringComparer.Ordinal);
    private readonly HashSet<(string FlowId, string EventId)> startedEvents = [];

    public int Appends { get; private set; }

    public int Commits { get; private set; }

    public ValueTask<StartDecision> TryStartAsync(StartRequest request, CancellationToken cancellationToken)
    {
        var instance = request.Instance;
        lock (gate)
        {
            if (!startedEvents.Add((instance.FlowId, instance.TriggerEventId)))
            {
                return ValueTask.FromResult(StartDecision.DuplicateEvent);
            }

            var active = instances.Values
                .Where(i => i.FlowId == instance.FlowId && i.SubjectId == instance.SubjectId && i.IsActive)
                .ToList();
            if (active.Count > 0 && request.Concurrency == FlowConcurrency.Single)
            {
                return ValueTask.FromResult(StartDecision.AlreadyRunning);
            }

            var cancelled = new List<string>();
            if (request.Concurrency == FlowConcurrency.Restart)
            {
                foreach (var running in active)
                {
                    instances[running.Id] = running with { Status = FlowStatus.Cancelled, Pending = [], Bookmarks = [], UpdatedAt = instance.CreatedAt };
                    foreach (var bookmark in running.Bookmarks)
                    {
                        bookmarks.Remove(bookmark.Id);
                    }

                    cancelled.Add(running.Id);
                }
            }

            instances[instance.Id] = instance;
            return ValueTask.FromResult(StartDecision.Start(cancelled));
        }
    }

    public ValueTask<FlowInstance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult(instances.GetValueOrDefault(instanceId));
        }
    }

    public ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string correlationKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<Bookmark> found = bookmarks.Values
                .Where(b => b.Kind == BookmarkKind.Event && b.EventName == eventName && b.CorrelationKey == correlationKey)
                .ToList();
            return ValueTask.FromResult(found);
        }
    }

    public ValueTask AppendAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Appends++;
            Apply(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Commits++;
            Apply(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryConsumeAsync(Bookmark bookmark, FlowCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var group = bookmarks.Values.Where(b => b.GroupId == bookmark.GroupId).ToList();
            if (group.Count == 0
                || !instances.TryGetValue(checkpoint.Instance.Id, out var stored) || stored.Sequence != checkpoint.Instance.Sequence - 1)
            {
                return ValueTask.FromResult(false);
            }

            group.ForEach(b => bookmarks.Remove(b.Id));
            Commits++;
            Apply(checkpoint);
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>The journal of <paramref name="instanceId"/>, in order.</summary>
    public IReadOnlyList<JournalEntry> Journal(string instanceId)
    {
        lock (gate)
        {
            return journals.TryGetValue(instanceId, out var entries) ? entries.ToList() : [];
        }
    }

    public IReadOnlyList<FlowInstance> Instances()
    {
        lock (gate)
        {
            return instances.Values.ToList();
        }
    }

    /// <summary>Stored bookmarks (every instance's).</summary>
    public IReadOnlyList<Bookmark> Bookmarks()
    {
        lock (gate)
        {
            return bookmarks.Values.ToList();
        }
    }

    private void Apply(FlowCheckpoint checkpoint)
    {
        var instance = checkpoint.Instance;
        if (instances.TryGetValue(instance.Id, out var stored) && stored.Status == FlowStatus.Cancelled)
        {
            return;
        }

        instances[instance.Id] = instance;
        foreach (var removed in checkpoint.RemovedBookmarks)
        {
            bookmarks.Remove(removed.Id);
        }

        foreach (var added in checkpoint.AddedBookmarks)
        {
            bookmarks[added.Id] = added;
        }

        if (!journals.TryGetValue(instance.Id, out var journal))
        {
            journals[instance.Id] = journal = [];
        }

        journal.Add(checkpoint.Step);
    }
}

/// <summary>Published definitions in memory.</summary>
public sealed class InMemoryFlowDefinitionStore : IFlowDefinitionStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), FlowDefinition> definitions = new();

    public void Publish(FlowDefinition definition)
    {
        if (!definitions.TryAdd((definition.Id, definition.Version), definition))
        {
            throw new InvalidOperationException($"Flow '{definition.Id}' v{definition.Version} is already published; publish a new version.");
        }
    }

    public ValueTask<FlowDefinition?> FindAsync(string flowId, int version, CancellationToken cancellationToken) =>
        ValueTask.FromResult(definitions.GetValueOrDefault((flowId, version)));
}
