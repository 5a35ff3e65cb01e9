using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Web.Components.Templates;

/// <summary>
/// A new WhatsApp template as the dialog collects it (a text header, the body, a footer, sample values) and as Meta takes
/// it: components with the body's examples. Says which field a problem the submitter reports (a field or a pointer into
/// the components) belongs to.
/// </summary>
public sealed class TemplateDraft
{
    public const string NameField = "name";
    public const string LanguageField = "language";
    public const string CategoryField = "category";
    public const string HeaderField = "header";
    public const string BodyField = "body";
    public const string FooterField = "footer";

    public string Name { get; set; } = "";
    public string Language { get; set; } = "en_US";
    public TemplateCategory Category { get; set; } = TemplateCategory.Utility;
    public string? Header { get; set; }
    public string Body { get; set; } = "";
    public string? Footer { get; set; }

    /// <summary>An example value per body placeholder, which Meta's reviewers read.</summary>
    public Dictionary<string, string> Samples { get; } = [];

    public IReadOnlyList<string> Placeholders => TemplateText.Placeholders(Body);

    private bool HasHeader => !string.IsNullOrWhiteSpace(Header);

    public CreateTemplateRequest ToRequest()
    {
        var components = new JsonArray();
        if (HasHeader)
        {
            components.Add(new JsonObject { ["type"] = "HEADER", ["format"] = "TEXT", ["text"] = Header!.Trim() });
        }

        var body = new JsonObject { ["type"] = "BODY", ["text"] = Body };
        if (Example() is { } example)
        {
            body["example"] = example;
        }

        components.Add(body);
        if (!string.IsNullOrWhiteSpace(Footer))
        {
            components.Add(new JsonObject { ["type"] = "FOOTER", ["text"] = Footer.Trim() });
        }

        return new CreateTemplateRequest(Name.Trim(), Language.Trim(), Category.ToMeta(), JsonSerializer.SerializeToElement(components));
    }

    /// <summary>The field a problem is about (<see cref="NameField"/>…), or null when no field of the form holds it.</summary>
    public string? FieldOf(string? where)
    {
        var bodyIndex = HasHeader ? 1 : 0;
        return where?.TrimStart('/') switch
        {
            NameField or LanguageField or CategoryField => where.TrimStart('/'),
            "components" => BodyField,
            { } pointer when pointer.StartsWith($"components/{bodyIndex}", StringComparison.Ordinal) => BodyField,
            { } pointer when HasHeader && pointer.StartsWith("components/0", StringComparison.Ordinal) => HeaderField,
            { } pointer when pointer.StartsWith("components/", StringComparison.Ordinal) => FooterField,
            _ => null,
        };
    }

    /// <summary>Meta's example shape: one row of values for numbered placeholders, name/example pairs for named ones; none until every value is given.</summary>
    private JsonObject? Example()
    {
        var placeholders = Placeholders;
        if (placeholders.Count == 0 || placeholders.Any(p => string.IsNullOrWhiteSpace(Samples.GetValueOrDefault(p))))
        {
            return null;
        }

        if (TemplateText.IsNamed(placeholders))
        {
            return new JsonObject
            {
                ["body_text_named_params"] = new JsonArray([.. placeholders.Select(p => (JsonNode)new JsonObject { ["param_name"] = p, ["example"] = Samples[p] })]),
            };
        }

        var ordered = placeholders.OrderBy(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Select(p => (JsonNode?)Samples[p]);
        return new JsonObject { ["body_text"] = new JsonArray(new JsonArray([.. ordered])) };
    }
}
