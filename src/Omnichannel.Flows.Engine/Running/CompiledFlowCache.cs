using System.Collections.Concurrent;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Compiles each (flow id, version) once and keeps it: published versions never change, so every run of a version
/// shares one <see cref="CompiledFlow"/> (parsed Liquid, compiled conditions).
/// </summary>
public sealed class CompiledFlowCache(IFlowDefinitionStore definitions, FlowCompiler compiler)
{
    private readonly ConcurrentDictionary<(string FlowId, int Version), CompiledFlow> compiled = new();

    /// <exception cref="FlowNotFoundException">No such flow version.</exception>
    /// <exception cref="InvalidFlowException">The stored version does not validate.</exception>
    public async ValueTask<CompiledFlow> GetAsync(string flowId, int version, CancellationToken cancellationToken)
    {
        if (compiled.TryGetValue((flowId, version), out var flow))
        {
            return flow;
        }

        var definition = await definitions.FindAsync(flowId, version, cancellationToken)
                         ?? throw new FlowNotFoundException($"Flow '{flowId}' has no version {version}.");
        return compiled.GetOrAdd((flowId, version), _ => compiler.Compile(definition));
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
