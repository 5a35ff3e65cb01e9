using System.Text;
using System.Text.Json;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Serialization;

/// <summary>
/// Writes a <see cref="FlowDefinition"/> in the JSON format. Canonical form: members in schema order, inputs in their
/// saved order, <c>concurrency</c> always written, <c>description</c> and <c>triggerOnAutomation</c> only when set —
/// so for a canonical document <c>Write(Read(x))</c> equals <c>x</c>.
/// </summary>
public static class FlowJsonWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static string Write(FlowDefinition flow)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            Write(flow, writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Write(FlowDefinition flow, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", FlowDefinition.CurrentSchemaVersion);
        writer.WriteString("id", flow.Id);
        writer.WriteString("name", flow.Name);
        if (flow.Description is not null)
        {
            writer.WriteString("description", flow.Description);
        }

        writer.WriteNumber("version", flow.Version);
        writer.WriteString("concurrency", FlowJsonNames.Of(flow.Concurrency));
        if (flow.TriggerOnAutomation)
        {
            writer.WriteBoolean("triggerOnAutomation", true);
        }

        writer.WriteStartArray("nodes");
        foreach (var node in flow.Nodes)
        {
            WriteNode(node, writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("connections");
        foreach (var connection in flow.Connections)
        {
            writer.WriteStartObject();
            WriteEndpoint("source", connection.Source, writer);
            WriteEndpoint("target", connection.Target, writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteNode(FlowNode node, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", node.Id);
        writer.WriteString("type", node.Type);
        writer.WriteStartObject("inputs");
        foreach (var (name, value) in node.Inputs)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("position");
        writer.WriteNumber("x", node.Position.X);
        writer.WriteNumber("y", node.Position.Y);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteEndpoint(string name, Endpoint endpoint, Utf8JsonWriter writer)
    {
        writer.WriteStartObject(name);
        writer.WriteString("node", endpoint.Node);
        writer.WriteString("port", endpoint.Port);
        writer.WriteEndObject();
    }
}
