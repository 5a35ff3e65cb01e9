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
}
