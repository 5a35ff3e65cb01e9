using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>A new WhatsApp template: components as Meta describes them (<c>[{ "type": "BODY", "text": "Hi {{1}}" }]</c>).</summary>
public sealed record CreateTemplateRequest(string? Name, string? Language, string? Category, JsonElement? Components);

/// <summary>
/// Checks a new template the way Meta will (name, category, a body, placeholders numbered without gaps), submits it for
/// review and stores it as Meta answered (usually <see cref="TemplateStatus.Pending"/>; its webhooks tell the rest).
/// </summary>
public sealed partial class WhatsAppTemplateSubmitter(
    FlowsDbContext db, WhatsAppTemplateGraph graph, TimeProvider time, ILogger<WhatsAppTemplateSubmitter> logger)
{
    public const int MaxNameLength = 512;

    public async Task<(TemplateItem? Template, TemplateProblem? Problem)> SubmitAsync(CreateTemplateRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return (null, invalid);
        }

        if (graph.Unavailable() is { } reason)
        {
            return (null, new TemplateProblem(TemplateProblemKind.NoBusinessAccount, reason));
        }

        var name = request.Name!;
        var language = request.Language!;
        var existing = await db.MessageTemplates
            .FirstOrDefaultAsync(t => t.Channel == ChannelKind.WhatsApp && t.Name == name && t.Language == language, cancellationToken);
        if (existing is { Status: not TemplateStatus.Deleted })
        {
            return (null, new TemplateProblem(TemplateProblemKind.Conflict,
                $"There is already a template '{name}' in '{language}' ({existing.Status.ToMeta()}).", "/name"));
        }

        TemplateNames.TryParse<TemplateCategory>(request.Category, out var category);
        var components = request.Components!.Value;
        var body = TemplateText.BodyOf(components);
        var placeholders = TemplateText.Placeholders(body);
        var submission = new TemplateSubmission(name, language, category.ToMeta(), components)
        {
            ParameterFormat = TemplateText.IsNamed(placeholders) ? "named" : null,
        };
        var (submitted, failure) = await graph.SubmitAsync(submission, cancellationToken);
        if (failure is not null)
        {
            logger.LogWarning("Meta did not take template {TemplateName} ({Language}): {GraphErrorCode} {GraphErrorMessage}",
                name, language, failure.Code, failure.Message);
            return (null, TemplateProblem.FromGraph(failure, refusedIsFinal: true));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var template = existing ?? db.MessageTemplates.Add(new MessageTemplate { Name = name, Language = language, CreatedAt = now }).Entity;
        template.ExternalId = submitted!.Id;
        template.Status = submitted.Status ?? TemplateStatus.Pending;
        template.Category = submitted.Category ?? category;
        template.Quality = TemplateQuality.Unknown;
        template.Components = components.GetRawText();
        template.BodyText = body;
        template.BodyParameters = placeholders;
        template.RejectedReason = null;
        template.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Submitted template {TemplateName} ({Language}) to Meta as {TemplateId}: {Status}",
            name, language, submitted.Id, template.Status);
        return (TemplateItem.From(template, withComponents: true), null);
    }

    private static TemplateProblem? Validate(CreateTemplateRequest request)
    {
        if (string.IsNullOrEmpty(request.Name) || request.Name.Length > MaxNameLength || !TemplateName().IsMatch(request.Name))
        {
            return TemplateProblem.Invalid("name", $"A template name has 1 to {MaxNameLength} lower-case letters, digits and underscores.");
        }

        if (string.IsNullOrEmpty(request.Language) || !LanguageCode().IsMatch(request.Language))
        {
            return TemplateProblem.Invalid("language", "A language is one of Meta's codes, such as 'en', 'en_US' or 'pt_BR'.");
        }

        if (!TemplateNames.TryParse<TemplateCategory>(request.Category, out _))
        {
            return TemplateProblem.Invalid("category", "The category is marketing, utility or authentication.");
        }

        return ValidateComponents(request.Components);
    }

    private static TemplateProblem? ValidateComponents(JsonElement? components)
    {
        if (components is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
        {
            return TemplateProblem.Invalid("components", "components is a non-empty array of header, body, footer and buttons components.");
        }

        var index = 0;
        int? bodyIndex = null;
        foreach (var component in list.EnumerateArray())
        {
            if (component.String("type") is not { Length: > 0 })
            {
                return TemplateProblem.Invalid($"/components/{index}/type", "Each component has a type (HEADER, BODY, FOOTER or BUTTONS).");
            }

            if (TemplateText.IsBody(component))
            {
                if (bodyIndex is not null)
                {
                    return TemplateProblem.Invalid($"/components/{index}/type", "A template has one BODY component.");
                }

                bodyIndex = index;
            }

            index++;
        }

        if (bodyIndex is not { } at)
        {
            return TemplateProblem.Invalid("components", "A template needs a BODY component with its text.");
        }

        var text = list[at].String("text");
        if (string.IsNullOrWhiteSpace(text))
        {
            return TemplateProblem.Invalid($"/components/{at}/text", "The body's text must not be empty.");
        }

        return TemplateText.PlaceholderProblem(TemplateText.Placeholders(text)) is { } problem
            ? TemplateProblem.Invalid($"/components/{at}/text", problem)
            : null;
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex TemplateName();

    [GeneratedRegex("^[a-z]{2,3}(_[A-Za-z]{2,4})?$")]
    private static partial Regex LanguageCode();
}
