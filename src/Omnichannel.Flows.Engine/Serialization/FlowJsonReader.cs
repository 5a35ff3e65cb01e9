using System.Text.Json;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Serialization;

/// <summary>
/// Reads the JSON format (camelCase, <c>schemaVersion</c> 1) into a <see cref="FlowDefinition"/>. It checks shape only;
/// <see cref="Validation.FlowValidator"/> checks the schema and the activity catalog and reports every error.
/// </summary>
public static class FlowJsonReader
{
    /// <exception cref="FlowFormatException">The document is not a flow; the message names the pointer.</exception>
    public static FlowDefinition Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new FlowFormatException("", $"Not JSON: {exception.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    /// <summary>Reads a definition; input values are cloned, so the document may be disposed afterwards.</summary>
    /// <exception cref="FlowFormatException">The document is not a flow; the message names the pointer.</exception>
    public static FlowDefinition Read(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Object, "");
        var schemaVersion = RequiredInt(root, "schemaVersion", "");
        if (schemaVersion != FlowDefinition.CurrentSchemaVersion)
        {
            throw new FlowFormatException("/schemaVersion", $"Schema version {schemaVersion} is not supported (this engine reads {FlowDefinition.CurrentSchemaVersion}).");
        }

        var nodes = RequiredArray(root, "nodes", "");
        var connections = RequiredArray(root, "connections", "");
        return new FlowDefinition(
            RequiredString(root, "id", ""),
            RequiredString(root, "name", ""),
            OptionalString(root, "description", ""),
            RequiredInt(root, "version", ""),
            ReadConcurrency(root),
            root.TryGetProperty("triggerOnAutomation", out var opted) && ReadBool(opted, "/triggerOnAutomation"),
            ReadAll(nodes, "/nodes", ReadNode),
            ReadAll(connections, "/connections", ReadConnection));
    }

    private static T[] ReadAll<T>(JsonElement array, string path, Func<JsonElement, string, T> read)
    {
        var items = new T[array.GetArrayLength()];
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            items[index] = read(item, $"{path}/{index}");
            index++;
        }

        return items;
    }

    private static FlowNode ReadNode(JsonElement node, string path)
    {
        RequireKind(node, JsonValueKind.Object, path);
        var inputs = new OrderedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (node.TryGetProperty("inputs", out var raw))
        {
            RequireKind(raw, JsonValueKind.Object, path + "/inputs");
            foreach (var input in raw.EnumerateObject())
            {
                inputs[input.Name] = input.Value.Clone();
            }
        }

        var position = Required(node, "position", path);
        RequireKind(position, JsonValueKind.Object, path + "/position");
        return new FlowNode(
            RequiredString(node, "id", path),
            RequiredString(node, "type", path),
            inputs,
            new NodePosition(RequiredNumber(position, "x", path + "/position"), RequiredNumber(position, "y", path + "/position")));
    }

    private static FlowConnection ReadConnection(JsonElement connection, string path)
    {
        RequireKind(connection, JsonValueKind.Object, path);
        return new FlowConnection(ReadEndpoint(connection, "source", path), ReadEndpoint(connection, "target", path));
    }

    private static Endpoint ReadEndpoint(JsonElement connection, string name, string path)
    {
        var endpoint = Required(connection, name, path);
        path = $"{path}/{name}";
        RequireKind(endpoint, JsonValueKind.Object, path);
        return new Endpoint(RequiredString(endpoint, "node", path), RequiredString(endpoint, "port", path));
    }

    private static FlowConcurrency ReadConcurrency(JsonElement root)
    {
        if (!root.TryGetProperty("concurrency", out var value))
        {
            return FlowConcurrency.Single;
        }

        return value.ValueKind == JsonValueKind.String && FlowJsonNames.TryParseConcurrency(value.GetString()!, out var concurrency)
            ? concurrency
            : throw new FlowFormatException("/concurrency", "Expected \"single\", \"restart\" or \"parallel\".");
    }

    private static JsonElement Required(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) ? value : throw new FlowFormatException($"{path}/{name}", $"'{name}' is required.");

    private static JsonElement RequiredArray(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        RequireKind(value, JsonValueKind.Array, $"{path}/{name}");
        return value;
    }

    private static string RequiredString(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        RequireKind(value, JsonValueKind.String, $"{path}/{name}");
        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        RequireKind(value, JsonValueKind.String, $"{path}/{name}");
        return value.GetString();
    }

    private static int RequiredInt(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FlowFormatException($"{path}/{name}", "Expected a whole number.");
    }

    private static double RequiredNumber(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        RequireKind(value, JsonValueKind.Number, $"{path}/{name}");
        return value.GetDouble();
    }

    private static bool ReadBool(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FlowFormatException(path, "Expected true or false."),
    };

    private static void RequireKind(JsonElement value, JsonValueKind kind, string path)
    {
        if (value.ValueKind != kind)
        {
            throw new FlowFormatException(path, $"Expected {FlowJsonNames.Describe(kind)}, found {FlowJsonNames.Describe(value.ValueKind)}.");
        }
    }
}

/// <summary>A document that is not a flow at all (not JSON, a member missing or of the wrong kind).</summary>
public sealed class FlowFormatException(string path, string message) : Exception(path.Length == 0 ? message : $"{path}: {message}")
{
    /// <summary>JSON pointer to the offending value ("" for the whole document).</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong there.</summary>
    public string Problem { get; } = message;
}
