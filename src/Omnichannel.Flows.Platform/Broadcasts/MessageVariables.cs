using System.Text.RegularExpressions;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The profile values a broadcast can put into its messages: <c>contact.first_name</c>, <c>contact.last_name</c>,
/// <c>contact.name</c> (display name) and <c>contact.fields.&lt;key&gt;</c>. In a text they are written
/// <c>{{contact.first_name}}</c>, with a fallback for customers who lack the value: <c>{{contact.first_name|there}}</c>.
/// </summary>
public static partial class MessageVariables
{
    public const string FieldPrefix = "contact.fields.";
    private static readonly string[] Plain = ["contact.first_name", "contact.last_name", "contact.name"];

    public static IReadOnlyList<string> Known => [.. Plain, FieldPrefix + "<key>"];

    public static bool IsKnown(string? variable) =>
        variable is not null && (Plain.Contains(variable) ||
            (variable.StartsWith(FieldPrefix, StringComparison.Ordinal) && Contacts.ContactProfiles.ValidateFieldKey(variable[FieldPrefix.Length..]) is null));

    /// <summary>The custom field a variable reads, or null for the profile's own values.</summary>
    public static string? FieldKeyOf(string variable) =>
        variable.StartsWith(FieldPrefix, StringComparison.Ordinal) ? variable[FieldPrefix.Length..] : null;

    /// <summary>The variable's value for the customer; null when the customer has none.</summary>
    public static string? Resolve(string variable, RecipientProfile profile)
    {
        var value = variable switch
        {
            "contact.first_name" => profile.FirstName,
            "contact.last_name" => profile.LastName,
            "contact.name" => profile.DisplayName,
            _ when FieldKeyOf(variable) is { } key => profile.Fields.GetValueOrDefault(key),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The variables a text uses, in order (known or not), for validation.</summary>
    public static IReadOnlyList<string> UsedIn(string? text) =>
        text is null ? [] : [.. Placeholder().Matches(text).Select(m => m.Groups["name"].Value.Trim()).Distinct()];

    /// <summary>The custom fields a definition reads (only those are loaded for each customer).</summary>
    public static IReadOnlySet<string> FieldKeysUsedBy(BroadcastDefinition definition) =>
        definition.Content.Values
            .SelectMany(c => UsedIn(c.Text).Concat(UsedIn(c.Subject)).Concat(c.Parameters?.Values.Select(p => p.Field ?? "") ?? []))
            .Select(v => FieldKeyOf(v))
            .OfType<string>()
            .ToHashSet();

    /// <returns>The text with every variable filled in, or null and the first variable that has no value and no fallback.</returns>
    public static (string? Text, string? Missing) Render(string text, RecipientProfile profile)
    {
        string? missing = null;
        var rendered = Placeholder().Replace(text, match =>
        {
            var name = match.Groups["name"].Value.Trim();
            var value = Resolve(name, profile) ?? (match.Groups["fallback"].Success ? match.Groups["fallback"].Value.Trim() : null);
            missing ??= value is null ? name : null;
            return value ?? "";
        });
        return missing is null ? (rendered, null) : (null, missing);
    }

    /// <summary>A template value for the customer: the literal, or the variable's value, else its fallback; null when none.</summary>
    public static string? Value(ParameterSource source, RecipientProfile profile) =>
        source.Literal ?? (source.Field is { } field ? Resolve(field, profile) : null) ?? source.Fallback;

    [GeneratedRegex(@"\{\{\s*(?<name>contact\.[A-Za-z0-9_.\-]*|[^}|]*?)\s*(\|(?<fallback>[^}]*))?\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Placeholder();
}

/// <summary>The profile values of one customer that messages can use.</summary>
public sealed record RecipientProfile(Guid ContactId, string? FirstName, string? LastName, string? DisplayName, IReadOnlyDictionary<string, string> Fields)
{
    public static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();
}
