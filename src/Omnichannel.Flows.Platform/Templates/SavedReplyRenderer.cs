using System.Globalization;
using Fluid;
using Fluid.Values;
using Omnichannel.Flows.Engine.Expressions;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// Fills a saved reply's variables from a contact, in Liquid (Fluid): <c>{{ contact.first_name | default: "there" }}</c>,
/// <c>{{ contact.last_name }}</c>, <c>{{ contact.display_name }}</c>, <c>{{ contact.fields.plan }}</c> (custom fields).
/// Only plain values are handed to the template (no objects, no functions, no files), and loops are bounded, so a reply's
/// text cannot run code or read anything but the contact it is rendered for. An unknown variable renders empty.
/// </summary>
public sealed class SavedReplyRenderer(FlowsDbContext db, TimeProvider time)
{
    /// <summary>A rendered reply longer than this is refused (a loop that prints a field thousands of times).</summary>
    public const int MaxRenderedLength = 16 * 1024;

    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false });

    private static readonly TemplateOptions Options = CreateOptions();

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            MaxSteps = 10_000,
            MaxRecursion = 10,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
        };
        LiquidLimits.BoundResults(options.Filters);
        return options;
    }

    /// <summary>Why <paramref name="text"/> is not a valid reply template, or null.</summary>
    public static string? SyntaxProblem(string text) =>
        TryParse(text, out _, out var error) ? null : $"The text is not a valid template: {error}";

    /// <summary>Parses <paramref name="text"/> with what it may build bounded (<see cref="LiquidLimits"/>).</summary>
    private static bool TryParse(string text, out IFluidTemplate template, out string? error)
    {
        template = null!;
        return Parser.TryParse(text, out var parsed, out error) && LiquidLimits.TryBound(parsed, out template, out error);
    }

    /// <returns>The text for the contact, or why it cannot be rendered (no such contact, a broken template).</returns>
    public async Task<(string? Text, TemplateProblem? Problem)> RenderAsync(string text, Guid contactId, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking()
            .Where(c => c.Id == contactId && c.MergedIntoId == null)
            .Select(c => new { c.DisplayName, c.FirstName, c.LastName, Fields = c.Fields.Select(f => new { f.Key, f.Value }).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            return (null, new TemplateProblem(TemplateProblemKind.NotFound, "No such contact.", "contactId"));
        }

        if (!TryParse(text, out var template, out var error))
        {
            return (null, TemplateProblem.Invalid("text", $"The text is not a valid template: {error}"));
        }

        var variables = new Dictionary<string, object?>
        {
            ["display_name"] = contact.DisplayName,
            ["first_name"] = contact.FirstName,
            ["last_name"] = contact.LastName,
            ["fields"] = contact.Fields.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal),
        };
        var context = new TemplateContext(Options) { Now = () => time.GetUtcNow() };
        context.SetValue("contact", FluidValue.Create(variables, Options));
        string rendered;
        try
        {
            rendered = LiquidLimits.Render(template, context);
        }
        catch (InvalidOperationException exception)
        {
            return (null, TemplateProblem.Invalid("text", $"The text cannot be rendered: {exception.Message}"));
        }

        return rendered.Length > MaxRenderedLength
            ? (null, TemplateProblem.Invalid("text", $"The text renders to more than {MaxRenderedLength} characters."))
            : (rendered, null);
    }
}
