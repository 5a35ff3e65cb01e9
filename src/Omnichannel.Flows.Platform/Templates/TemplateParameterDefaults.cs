using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// Values for a template's placeholders from what we know of the customer, where a placeholder is named after it:
/// <c>{{first_name}}</c>, <c>{{last_name}}</c>, <c>{{display_name}}</c> (or <c>{{name}}</c>), or a custom field's key
/// (<c>{{plan}}</c>). Numbered placeholders (<c>{{1}}</c>) say nothing about what they hold, so they get no value.
/// </summary>
public static class TemplateParameterDefaults
{
    public static IReadOnlyDictionary<string, string> For(IEnumerable<string> placeholders, ContactDetails contact)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var placeholder in placeholders)
        {
            var value = placeholder.ToLowerInvariant() switch
            {
                "first_name" => contact.FirstName,
                "last_name" => contact.LastName,
                "display_name" or "name" => contact.DisplayName,
                _ => contact.Fields.FirstOrDefault(f => string.Equals(f.Key, placeholder, StringComparison.OrdinalIgnoreCase)).Value,
            };
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[placeholder] = value;
            }
        }

        return values;
    }
}
