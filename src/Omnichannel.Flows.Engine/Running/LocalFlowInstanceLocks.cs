namespace Omnichannel.Flows.Engine.Running;

/// <summary>In-process per-instance locks; an entry lives only while someone holds or awaits it.</summary>
public sealed class LocalFlowInstanceLocks : IFlowInstanceLocks
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string instanceId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (entries)
        {
            if (!entries.TryGetValue(instanceId, out entry!))
            {
                entries[instanceId] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(instanceId, entry);
            throw;
        }

        return new Holder(this, instanceId, entry);
    }

    private void Leave(string instanceId, Entry entry)
    {
        lock (entries)
        {
            if (--entry.Users == 0)
            {
                entries.Remove(instanceId);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(LocalFlowInstanceLocks owner, string instanceId, Entry entry) : IAsyncDisposable
    {
        private int released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                entry.Gate.Release();
                owner.Leave(instanceId, entry);
            }

            return default;
        }
    }
}
