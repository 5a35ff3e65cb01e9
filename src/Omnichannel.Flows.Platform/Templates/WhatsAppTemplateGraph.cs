using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Channels.WhatsApp;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>Meta's answer could not be used: its error code (or what went wrong) and message.</summary>
/// <param name="Refused">Meta refused the request for good (a 4xx with an error); otherwise it was unavailable or unreadable.</param>
public sealed record GraphFailure(string Code, string Message, bool Refused);

/// <summary>What Meta answered to a template submission.</summary>
public sealed record SubmittedTemplate(string Id, TemplateStatus? Status, TemplateCategory? Category);

/// <summary>
/// The WhatsApp Business Management API calls for templates, on the WhatsApp Business Account
/// (<c>Channels:WhatsApp:BusinessAccountId</c>): list them page by page, and submit a new one for review.
/// </summary>
public sealed class WhatsAppTemplateGraph(HttpClient http, IOptions<WhatsAppOptions> options)
{
    public const string Fields = "id,name,language,status,category,quality_score,components,rejected_reason";
    public const int PageSize = 100;

    /// <summary>Meta allows a few thousand templates per account; more pages than this means the cursor is going round.</summary>
    private const int MaxPages = 100;

    /// <summary>Why there is no WhatsApp Business Account to talk to (sandbox, disabled, no account id), or null.</summary>
    public string? Unavailable()
    {
        var settings = options.Value;
        if (settings.EffectiveMode != ChannelMode.Live)
        {
            return $"The WhatsApp channel is in {settings.EffectiveMode.ToString().ToLowerInvariant()} mode: there is no WhatsApp Business Account to talk to.";
        }

        return string.IsNullOrWhiteSpace(settings.BusinessAccountId)
            ? $"{WhatsAppOptions.Section}:BusinessAccountId is not configured: templates belong to a WhatsApp Business Account."
            : null;
    }

    /// <summary>
    /// Every template of the account. The next page is asked for with the <c>after</c> cursor on our own base URL, never by
    /// following <c>paging.next</c> to wherever it points, so the access token only ever goes to the configured Graph host.
    /// </summary>
    public async Task<(IReadOnlyList<TemplateSnapshot> Templates, GraphFailure? Failure)> ListAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var templates = new List<TemplateSnapshot>();
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var path = $"{settings.GraphApiVersion}/{Uri.EscapeDataString(settings.BusinessAccountId!)}/message_templates?fields={Fields}&limit={PageSize}"
                + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
            var (document, failure) = await CallAsync(request, cancellationToken);
            if (failure is not null)
            {
                return ([], failure);
            }

            using (document)
            {
                var root = document!.RootElement;
                if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                {
                    return ([], Malformed("'data' must be an array of templates.", "/data"));
                }

                try
                {
                    templates.AddRange(data.EnumerateArray().Select((t, i) => TemplateSnapshot.Read(t, $"/data/{i}")));
                }
                catch (InboundPayloadException exception)
                {
                    return ([], Malformed(exception.Message, exception.Pointer));
                }

                var paging = root.Object("paging");
                if (paging?.String("next") is not { } next)
                {
                    return (templates, null);
                }

                after = paging.Value.Object("cursors")?.String("after") ?? AfterOf(next);
                if (after is null || !cursors.Add(after))
                {
                    return ([], Malformed("'paging.next' is set but gives no new 'after' cursor.", "/paging/cursors/after"));
                }
            }
        }

        return ([], Malformed($"More than {MaxPages} pages of {PageSize} templates.", "/paging"));
    }

    /// <summary>Submits a template for review: <c>POST /{waba-id}/message_templates</c>. Not retried: a repeat would be a second submission.</summary>
    public async Task<(SubmittedTemplate? Template, GraphFailure? Failure)> SubmitAsync(TemplateSubmission submission, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        string? status = null, category = null;
        SendOutcome outcome;
        try
        {
            outcome = await GraphApiSend.PostAsync(http, $"{settings.GraphApiVersion}/{Uri.EscapeDataString(settings.BusinessAccountId!)}/message_templates",
                submission, settings.AccessToken, answer =>
                {
                    status = answer.String("status");
                    category = answer.String("category");
                    return answer.String("id");
                }, cancellationToken);
        }
        catch (Exception exception) when (IsUnreachable(exception, cancellationToken))
        {
            return (null, new GraphFailure("unreachable", $"The Graph API could not be reached: {exception.Message}", Refused: false));
        }

        return outcome switch
        {
            SendOutcome.Accepted accepted => (new SubmittedTemplate(accepted.ExternalId, TemplateNames.StatusFromMeta(status),
                TemplateNames.TryParse<TemplateCategory>(category, out var c) ? c : null), null),
            SendOutcome.Failed failed => (null, new GraphFailure(failed.Code, failed.Reason, Refused: true)),
            SendOutcome.RetryLater later => (null, new GraphFailure(later.Code, later.Reason, Refused: false)),
            SendOutcome.Unknown unknown => (null, new GraphFailure("unknown", unknown.Reason, Refused: false)),
            _ => (null, new GraphFailure("unknown", "The Graph API answered in a way we do not know.", Refused: false)),
        };
    }

    private async Task<(JsonDocument? Document, GraphFailure? Failure)> CallAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (null, await GraphApiError.ClassifyAsync(response, cancellationToken) switch
                {
                    SendOutcome.Failed failed => new GraphFailure(failed.Code, failed.Reason, Refused: true),
                    SendOutcome.RetryLater later => new GraphFailure(later.Code, later.Reason, Refused: false),
                    _ => new GraphFailure(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), "The Graph API failed.", Refused: false),
                });
            }

            return (JsonPayload.ParseObject(await response.Content.ReadAsByteArrayAsync(cancellationToken)), null);
        }
        catch (InboundPayloadException exception)
        {
            return (null, Malformed(exception.Message, exception.Pointer));
        }
        catch (Exception exception) when (IsUnreachable(exception, cancellationToken))
        {
            return (null, new GraphFailure("unreachable", $"The Graph API could not be reached: {exception.Message}", Refused: false));
        }
    }

    private static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or Polly.ExecutionRejectedException
        || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static GraphFailure Malformed(string message, string pointer) =>
        new("malformed", $"The Graph API's answer is not usable at {(pointer.Length == 0 ? "/" : pointer)}: {message}", Refused: false);

    private static string? AfterOf(string next) =>
        Uri.TryCreate(next, UriKind.Absolute, out var uri)
            ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue("after", out var after) ? after.ToString() : null
            : null;
}

/// <summary>The body of <c>POST /{waba-id}/message_templates</c>, as Meta expects it.</summary>
public sealed record TemplateSubmission(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("components")] JsonElement Components)
{
    /// <summary><c>named</c> when the body uses <c>{{first_name}}</c> placeholders; left out for numbered ones (Meta's default).</summary>
    [JsonPropertyName("parameter_format")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ParameterFormat { get; init; }
}
