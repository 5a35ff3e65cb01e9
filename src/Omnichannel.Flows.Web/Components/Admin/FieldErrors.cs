namespace Omnichannel.Flows.Web.Components.Admin;

/// <summary>The server's validation errors (field → messages), read one field at a time next to its input.</summary>
public sealed class FieldErrors(IReadOnlyDictionary<string, string[]>? errors)
{
    public static readonly FieldErrors None = new(null);

    public bool Has(string field) => For(field) is not null;

    public string? For(string field) =>
        errors is not null && errors.TryGetValue(field, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;

    /// <summary>Errors for fields the form has no input for (shown as one alert).</summary>
    public IEnumerable<string> Except(params string[] fields) =>
        errors?.Where(e => !fields.Contains(e.Key)).SelectMany(e => e.Value) ?? [];
}
