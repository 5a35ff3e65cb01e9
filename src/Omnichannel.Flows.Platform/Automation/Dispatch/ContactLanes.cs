namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Runs dispatch work for many contacts side by side, at most <c>parallelism</c> pieces at once, and each contact's work
/// in the order it was handed in — across batches too: a batch's work starts while the batch before it still has runs
/// in flight, except a contact's, which waits for that contact's earlier work. Work without a contact shares one lane.
/// One instance serves one dispatch pass.
/// </summary>
internal sealed class ContactLanes(int parallelism)
{
    private readonly SemaphoreSlim slots = new(parallelism, parallelism);

    /// <summary>Each contact's last work handed in (<see cref="Guid.Empty"/>: work without a contact).</summary>
    private readonly Dictionary<Guid, Task> tails = [];

    private readonly Lock tailsLock = new();

    /// <summary>
    /// Runs <paramref name="work"/> once the contact's earlier work has ended (however it ended) and a slot is free.
    /// </summary>
    public Task RunAsync(Guid? contactId, Func<Task> work, CancellationToken cancellationToken)
    {
        var lane = contactId ?? Guid.Empty;
        lock (tailsLock)
        {
            var earlier = tails.GetValueOrDefault(lane) ?? Task.CompletedTask;
            var task = AfterAsync(earlier, work, cancellationToken);
            tails[lane] = task;
            return task;
        }
    }

    /// <summary>Whether work handed in for the contact has not ended yet.</summary>
    public bool IsBusy(Guid contactId)
    {
        lock (tailsLock)
        {
            return tails.TryGetValue(contactId, out var tail) && !tail.IsCompleted;
        }
    }

    /// <summary>Forgets the lanes whose work has all ended (called between batches, so the map holds about two batches' contacts).</summary>
    public void Prune()
    {
        lock (tailsLock)
        {
            foreach (var (lane, tail) in tails)
            {
                if (tail.IsCompleted)
                {
                    tails.Remove(lane);
                }
            }
        }
    }

    private async Task AfterAsync(Task earlier, Func<Task> work, CancellationToken cancellationToken)
    {
        // Yielding: the work runs on the pool, not inside RunAsync's lock on the caller's thread.
        await earlier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        await slots.WaitAsync(cancellationToken);
        try
        {
            await work();
        }
        finally
        {
            slots.Release();
        }
    }
}
