using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>Where an input is being parsed, so parsers report problems with the right JSON pointer.</summary>
public sealed class InputParseContext
{
    private readonly ICollection<FlowValidationError> errors;

    internal InputParseContext(string pointer, LiquidTemplates liquid, ICollection<FlowValidationError> errors)
    {
        Pointer = pointer;
        Liquid = liquid;
        this.errors = errors;
    }

    /// <summary>JSON pointer of the input, e.g. <c>/nodes/3/inputs/headers</c>.</summary>
    public string Pointer { get; }

    public LiquidTemplates Liquid { get; }

    internal ICollection<FlowValidationError> Errors => errors;

    public void AddError(string message) => errors.Add(new(Pointer, message));

    /// <param name="relative">Tokens below the input (unescaped), e.g. <c>["Authorization"]</c>.</param>
    public void AddError(string message, params string[] relative) =>
        errors.Add(new(Pointer + string.Concat(relative.Select(token => "/" + JsonPointers.Escape(token))), message));

    /// <summary>Parses a Liquid text found below the input; null (with an error) when it is not text or does not parse.</summary>
    public LiquidText? ParseLiquid(JsonElement value, params string[] relative)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            AddError("Expected text.", relative);
            return null;
        }

        if (Liquid.TryParse(value.GetString()!, out var text, out var error))
        {
            return text;
        }

        AddError(error!, relative);
        return null;
    }
}
