using System.Text.Json.Serialization;

namespace Omnichannel.Flows.Engine.Validation;

/// <summary>One problem in a submitted flow: where (a JSON pointer into the document) and what.</summary>
public sealed record FlowValidationError(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("message")] string Message);
