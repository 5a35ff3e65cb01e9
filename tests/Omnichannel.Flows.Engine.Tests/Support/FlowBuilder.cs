using System.Text.Json;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Tests.Support;

/// <summary>Builds definitions in tests: nodes with inputs from anonymous objects, connections by (node, port).</summary>
internal sealed class FlowBuilder(string id)
{
    private readonly List<FlowNode> nodes = [];
    private readonly List<FlowConnection> connections = [];

    public FlowConcurrency Concurrency { get; init; } = FlowConcurrency.Single;

    public bool TriggerOnAutomation { get; init; }

    public FlowBuilder Node(string nodeId, string type, object? inputs = null)
    {
        var values = new OrderedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (inputs is not null)
        {
            foreach (var member in JsonSerializer.SerializeToElement(inputs).EnumerateObject())
            {
                values[member.Name] = member.Value.Clone();
            }
        }

        nodes.Add(new FlowNode(nodeId, type, values, new NodePosition(nodes.Count * 200, 0)));
        return this;
    }

    public FlowBuilder Connect(string from, string port, string to)
    {
        connections.Add(new FlowConnection(new Endpoint(from, port), new Endpoint(to, Endpoint.InputPort)));
        return this;
    }

    public FlowDefinition Build(int version = 1) =>
        new(id, $"Flow {id}", null, version, Concurrency, TriggerOnAutomation, nodes.ToArray(), connections.ToArray());
}
