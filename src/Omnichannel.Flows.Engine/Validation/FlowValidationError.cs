using System.Text.Json.Serialization;

namespace Omnichannel.Flows.Engine.Validation;

/// <summary>
/// One problem in a submitted flow: where (a JSON pointer into the document) and what; for a problem inside a node, that
/// node's id too (<see cref="Node"/>), so a person or the designer finds it without counting nodes.
/// </summary>
public sealed record FlowValidationError(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("message")] string Message)
{
    /// <summary>The id of the node the pointer is in (<c>/nodes/3/…</c>), when that node has one; null otherwise.</summary>
    [JsonPropertyName("node")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }
}
