using System.Text.Json;
using Json.Schema;

namespace Omnichannel.Flows.Engine.Validation;

/// <summary>
/// The JSON Schema (draft 2020-12) of the flow format, shipped as <c>flows/schema/flow.schema.json</c> and embedded
/// here, so the API can serve <see cref="Text"/> and the validator evaluates against the same file.
/// </summary>
public sealed class FlowSchema
{
    private readonly JsonSchema schema;
    private readonly JsonDocument document;

    public FlowSchema()
    {
        using var stream = typeof(FlowSchema).Assembly.GetManifestResourceStream("flow.schema.json")
                           ?? throw new InvalidOperationException("The flow schema is not embedded.");
        using var reader = new StreamReader(stream);
        Text = reader.ReadToEnd();
        document = JsonDocument.Parse(Text);
        schema = JsonSchema.FromText(Text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    /// <summary>The schema document, as served by the API.</summary>
    public string Text { get; }

    /// <summary>Every schema violation of <paramref name="flow"/>, each with the pointer of the offending (or missing) value.</summary>
    public IReadOnlyList<FlowValidationError> Evaluate(JsonElement flow)
    {
        var results = schema.Evaluate(flow, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<FlowValidationError>();
        foreach (var detail in results.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? [])
            {
                var at = detail.InstanceLocation.ToString();
                if (keyword == "required")
                {
                    errors.AddRange(MissingMembers(flow, at, detail.SchemaLocation));
                }
                else if (detail.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal))
                {
                    errors.Add(new(at, "Unknown member."));
                }
                else
                {
                    errors.Add(new(at, message));
                }
            }
        }

        return errors;
    }

    /// <summary>A "required" error names the object; report each missing member at its own pointer instead.</summary>
    private IEnumerable<FlowValidationError> MissingMembers(JsonElement flow, string at, Uri schemaLocation)
    {
        var schemaPointer = Uri.UnescapeDataString(schemaLocation.Fragment.TrimStart('#'));
        if (!Serialization.JsonPointers.TryResolve(document.RootElement, schemaPointer, out var subschema)
            || !subschema.TryGetProperty("required", out var required)
            || !Serialization.JsonPointers.TryResolve(flow, at, out var instance) || instance.ValueKind != JsonValueKind.Object)
        {
            yield return new(at, "Required members are missing.");
            yield break;
        }

        foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
        {
            if (!instance.TryGetProperty(name, out _))
            {
                yield return new($"{at}/{Serialization.JsonPointers.Escape(name)}", $"'{name}' is required.");
            }
        }
    }
}
