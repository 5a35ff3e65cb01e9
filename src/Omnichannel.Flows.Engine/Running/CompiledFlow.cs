using System.Collections.Frozen;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// A definition version made ready to run, once: nodes by id, outgoing connections by (node, port), inputs parsed,
/// Liquid parsed, conditions compiled. Immutable and shared by every run of that version.
/// </summary>
public sealed class CompiledFlow
{
    private readonly FrozenDictionary<string, CompiledNode> byId;

    internal CompiledFlow(FlowDefinition definition, CompiledNode[] nodes)
    {
        Definition = definition;
        Nodes = nodes;
        byId = nodes.ToFrozenDictionary(n => n.Id, StringComparer.Ordinal);
        Triggers = nodes.Where(n => n.Descriptor.IsTrigger).ToArray();
    }

    public FlowDefinition Definition { get; }

    public string Id => Definition.Id;

    public int Version => Definition.Version;

    public IReadOnlyList<CompiledNode> Nodes { get; }

    /// <summary>The trigger nodes, for the platform's trigger index (type + inputs → flow, node).</summary>
    public IReadOnlyList<CompiledNode> Triggers { get; }

    public CompiledNode? Find(string nodeId) => byId.GetValueOrDefault(nodeId);
}

/// <summary>A node of a <see cref="CompiledFlow"/>.</summary>
public sealed class CompiledNode
{
    private static readonly FrozenDictionary<string, CompiledNode[]> NoConnections = FrozenDictionary<string, CompiledNode[]>.Empty;
    private readonly object?[] inputs;
    private FrozenDictionary<string, CompiledNode[]> outgoing = NoConnections;

    internal CompiledNode(FlowNode node, IActivity activity, NodeInputs parsed, string?[] inputTexts, object? state, IReadOnlyList<string> ports)
    {
        Id = node.Id;
        Activity = activity;
        inputs = parsed.Values;
        InputTexts = inputTexts;
        State = state;
        Ports = ports;
    }

    public string Id { get; }

    public IActivity Activity { get; }

    public ActivityDescriptor Descriptor => Activity.Descriptor;

    /// <summary>What <see cref="IActivity.Prepare"/> returned.</summary>
    public object? State { get; }

    public IReadOnlyList<string> Ports { get; }

    /// <summary>The literal JSON of each input (strings unquoted), as the journal records unresolved inputs.</summary>
    internal string?[] InputTexts { get; }

    /// <summary>A parsed input, e.g. a trigger's filter for the platform's trigger index; default when unset.</summary>
    public T? Input<T>(string name) => Descriptor.IndexOf(name) is var index and >= 0 && inputs[index] is T value ? value : default;

    internal object? InputAt(int index) => inputs[index];

    /// <summary>The nodes connected to <paramref name="port"/>, each once; empty when nothing is connected.</summary>
    public IReadOnlyList<CompiledNode> Targets(string port) => outgoing.TryGetValue(port, out var targets) ? targets : [];

    internal void Connect(FrozenDictionary<string, CompiledNode[]> byPort) => outgoing = byPort;
}
