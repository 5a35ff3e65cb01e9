using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// The template catalog: everyone lists and reads (agents pick what to send), admins sync WhatsApp templates from Meta
/// and submit new ones. Saved replies for the other channels: <see cref="SavedRepliesApi"/>.
/// </summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/templates").WithTags("Templates");
        group.MapGet("/", ListAsync);
        group.MapGet("/{name}", GetAsync);
        group.MapPost("/", SubmitAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        group.MapPost("/sync", SyncAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        return app.MapSavedRepliesApi();
    }

    private static async Task<IResult> ListAsync(
        TemplateQueries queries, string? channel, string? category, string? status, string? language, string? search,
        CancellationToken cancellationToken)
    {
        if (InvalidChannel(channel, out var channelKind) is { } invalid)
        {
            return invalid;
        }

        if (!TryParseOptional<TemplateCategory>(category, out var categoryValue))
        {
            return ApiProblems.Invalid("category", $"'{category}' is not a category: marketing, utility or authentication.");
        }

        if (!TryParseOptional<TemplateStatus>(status, out var statusValue))
        {
            return ApiProblems.Invalid("status", $"'{status}' is not a status: {string.Join(", ", Enum.GetValues<TemplateStatus>().Select(s => s.ToMeta().ToLowerInvariant()))}.");
        }

        var filter = new TemplateFilter(channelKind, categoryValue, statusValue, search)
        {
            Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim(),
        };
        var items = await queries.ListAsync(filter, cancellationToken);
        return TypedResults.Ok(new { items });
    }

    private static async Task<IResult> GetAsync(string name, string? language, TemplateQueries queries, CancellationToken cancellationToken)
    {
        var found = await queries.FindAsync(name, language, cancellationToken);
        return found switch
        {
            [var template] => TypedResults.Ok(TemplateItem.From(template, withComponents: true)),
            [] => ApiProblems.NotFound(language is null ? $"No WhatsApp template '{name}'." : $"No WhatsApp template '{name}' in '{language}'."),
            _ => ApiProblems.Invalid("language", $"'{name}' exists in {string.Join(", ", found.Select(t => t.Language))}: say which language."),
        };
    }

    private static async Task<IResult> SubmitAsync(CreateTemplateRequest request, WhatsAppTemplateSubmitter submitter, CancellationToken cancellationToken)
    {
        var (template, problem) = await submitter.SubmitAsync(request, cancellationToken);
        return problem is not null
            ? ToProblem(problem)
            : TypedResults.Created($"/api/templates/{template!.Name}?language={Uri.EscapeDataString(template.Language!)}", template);
    }

    private static async Task<IResult> SyncAsync(WhatsAppTemplateSync sync, CancellationToken cancellationToken)
    {
        var (result, problem) = await sync.SyncAsync(cancellationToken);
        return problem is not null ? ToProblem(problem) : TypedResults.Ok(result);
    }

    /// <summary>400 with where, 404, 409 (a name in use; no business account), 422 Meta refused, 502 Meta failed; Meta's code travels along.</summary>
    public static IResult ToProblem(TemplateProblem problem) => problem.Kind switch
    {
        TemplateProblemKind.Invalid => ApiProblems.Invalid(problem.Where ?? "", problem.Message),
        TemplateProblemKind.NotFound => ApiProblems.NotFound(problem.Message),
        TemplateProblemKind.Conflict => ApiProblems.Conflict("Name in use", problem.Message, problem.Where),
        TemplateProblemKind.NoBusinessAccount => ApiProblems.Conflict("No WhatsApp Business Account", problem.Message),
        TemplateProblemKind.MetaRefused => MetaProblem(StatusCodes.Status422UnprocessableEntity, "Meta refused the template", problem),
        _ => MetaProblem(StatusCodes.Status502BadGateway, "The Graph API call failed", problem),
    };

    private static IResult MetaProblem(int status, string title, TemplateProblem problem) =>
        Results.Problem(statusCode: status, title: title, detail: problem.Message,
            extensions: new Dictionary<string, object?> { ["code"] = problem.Code });

    /// <summary>400 naming <c>channel</c> when <paramref name="channel"/> is given but is no channel; otherwise null.</summary>
    internal static IResult? InvalidChannel(string? channel, out ChannelKind? kind)
    {
        kind = null;
        if (channel is null)
        {
            return null;
        }

        if (!ChannelNames.TryParse(channel, out var parsed))
        {
            return ApiProblems.Invalid("channel", $"'{channel}' is not a channel. Channels are {string.Join(", ", ChannelNames.All)}.");
        }

        kind = parsed;
        return null;
    }

    private static bool TryParseOptional<TEnum>(string? value, out TEnum? result) where TEnum : struct, Enum
    {
        result = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (!TemplateNames.TryParse<TEnum>(value.Trim(), out var parsed))
        {
            return false;
        }

        result = parsed;
        return true;
    }
}
