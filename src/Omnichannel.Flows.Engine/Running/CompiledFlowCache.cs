using System.Collections.Concurrent;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Compiles each (flow id, version) once and keeps it: published versions never change, so every run of a version
/// shares one <see cref="CompiledFlow"/> (parsed Liquid, compiled conditions). Runs that miss at the same moment (a
/// burst of due timers resuming runs of a version not yet compiled) share one read and one compile.
/// </summary>
public sealed class CompiledFlowCache(IFlowDefinitionStore definitions, FlowCompiler compiler)
{
    private readonly ConcurrentDictionary<(string FlowId, int Version), Lazy<Task<CompiledFlow>>> compiled = new();

    /// <exception cref="FlowNotFoundException">No such flow version.</exception>
    /// <exception cref="InvalidFlowException">The stored version does not validate.</exception>
    public async ValueTask<CompiledFlow> GetAsync(string flowId, int version, CancellationToken cancellationToken)
    {
        var key = (flowId, version);
        if (compiled.TryGetValue(key, out var entry) && entry.Value.IsCompletedSuccessfully)
        {
            return entry.Value.Result;
        }

        entry = compiled.GetOrAdd(key, static (key, cache) => new Lazy<Task<CompiledFlow>>(() => cache.LoadAsync(key.FlowId, key.Version)), this);
        try
        {
            // The load is shared: one caller giving up does not cancel it for the others.
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            // A version that failed to load is read again by the next run (it may be fixed or published by then).
            compiled.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    private async Task<CompiledFlow> LoadAsync(string flowId, int version)
    {
        var definition = await definitions.FindAsync(flowId, version, CancellationToken.None)
                         ?? throw new FlowNotFoundException($"Flow '{flowId}' has no version {version}.");
        return compiler.Compile(definition);
    }

    /// <summary>Forgets compiled versions of <paramref name="flowId"/> (e.g. the flow was deleted).</summary>
    public void Evict(string flowId)
    {
        foreach (var key in compiled.Keys.Where(k => k.FlowId == flowId))
        {
            compiled.TryRemove(key, out _);
        }
    }
}

public sealed class FlowNotFoundException(string message) : Exception(message);
