using System.Text.Json;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;

namespace Omnichannel.Flows.Engine.Validation;

/// <summary>The outcome of validating a submitted flow: every error, and the definition when there are none.</summary>
public sealed record FlowValidationResult(IReadOnlyList<FlowValidationError> Errors, FlowDefinition? Definition)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Validates a submitted flow document against the JSON Schema and the activity catalog, reporting every error with
/// a JSON pointer into the document — never stopping at the first. Catalog checks run whenever the document can be
/// read as a flow, even if the schema found problems (e.g. an unknown member) elsewhere.
/// </summary>
public sealed class FlowValidator(FlowSchema schema, FlowCompiler compiler)
{
    public FlowValidationResult Validate(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Validate(document.RootElement);
        }
        catch (JsonException exception)
        {
            return new FlowValidationResult([new FlowValidationError("", $"Not JSON: {exception.Message}")], null);
        }
    }

    public FlowValidationResult Validate(JsonElement document)
    {
        var result = Check(document);
        return result.IsValid ? result : result with { Errors = [.. result.Errors.Select(error => InNode(error, document))] };
    }

    private FlowValidationResult Check(JsonElement document)
    {
        var errors = new List<FlowValidationError>(schema.Evaluate(document));
        FlowDefinition definition;
        try
        {
            definition = FlowJsonReader.Read(document);
        }
        catch (FlowFormatException exception)
        {
            if (!errors.Any(e => e.Path == exception.Path))
            {
                errors.Add(new FlowValidationError(exception.Path, exception.Problem));
            }

            return new FlowValidationResult(errors, null);
        }

        errors.AddRange(compiler.Check(definition));
        return new FlowValidationResult(errors, errors.Count == 0 ? definition : null);
    }

    /// <summary><paramref name="error"/> with the id of the node its pointer is in (<c>/nodes/{index}</c>…), if that node has a text id.</summary>
    private static FlowValidationError InNode(FlowValidationError error, JsonElement document)
    {
        const string prefix = "/nodes/";
        if (!error.Path.StartsWith(prefix, StringComparison.Ordinal) || error.Node is not null)
        {
            return error;
        }

        var rest = error.Path.AsSpan(prefix.Length);
        var end = rest.IndexOf('/');
        return int.TryParse(end < 0 ? rest : rest[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
               && document.ValueKind == JsonValueKind.Object
               && document.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array && index < nodes.GetArrayLength()
               && nodes[index] is { ValueKind: JsonValueKind.Object } node
               && node.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? error with { Node = id.GetString() }
            : error;
    }
}
