namespace Omnichannel.Flows.Engine.Definitions;

/// <summary>
/// One version of a flow: nodes (activities, triggers included) joined by connections from a node's output port to
/// another node's input. Immutable data; <see cref="Serialization.FlowJsonReader"/> and
/// <see cref="Serialization.FlowJsonWriter"/> keep the JSON format apart from it.
/// </summary>
public sealed record FlowDefinition(
    string Id,
    string Name,
    string? Description,
    int Version,
    FlowConcurrency Concurrency,
    bool TriggerOnAutomation,
    IReadOnlyList<FlowNode> Nodes,
    IReadOnlyList<FlowConnection> Connections)
{
    /// <summary>The JSON format version this engine reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;
}

/// <summary>What happens when a trigger fires for a subject (a contact) that already has a running instance of the flow.</summary>
public enum FlowConcurrency
{
    /// <summary>Skip the trigger: one running instance per subject.</summary>
    Single,

    /// <summary>Cancel the running instance and start a new one.</summary>
    Restart,

    /// <summary>Start another instance beside the running one.</summary>
    Parallel,
}

/// <summary>
/// One activity in a flow. <paramref name="Inputs"/> are literal JSON values as the designer saved them, in document
/// order; the compiler parses them once per definition version.
/// </summary>
public sealed record FlowNode(string Id, string Type, IReadOnlyDictionary<string, System.Text.Json.JsonElement> Inputs, NodePosition Position);

/// <summary>Where the designer draws a node.</summary>
public readonly record struct NodePosition(double X, double Y);

/// <summary>An edge from a node's output port to another node's input port.</summary>
public sealed record FlowConnection(Endpoint Source, Endpoint Target);

/// <summary>A node and one of its ports.</summary>
public readonly record struct Endpoint(string Node, string Port)
{
    /// <summary>The one input port every non-trigger node has.</summary>
    public const string InputPort = "in";
}
