using System.Net;
using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// Classifies a Graph API error answer (<c>{ "error": { "code", "message", "error_subcode", "error_data" } }</c>) into what
/// the outbox does next: throughput and pair-rate limits back off; everything else is a permanent failure with the
/// provider's code and reason.
/// </summary>
public static class GraphApiError
{
    /// <summary>WhatsApp 130429 throughput, 131056 pair rate, 80007 account rate; Graph 4/17/32/613 call-rate limits.</summary>
    private static readonly HashSet<long> RateLimitCodes = [130429, 131056, 80007, 4, 17, 32, 613];

    /// <summary>Temporary Graph errors (1 unknown, 2 service unavailable, 131000 something went wrong).</summary>
    private static readonly HashSet<long> TransientCodes = [1, 2, 131000];

    public static async Task<SendOutcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var (code, subcode, message) = Read(body);
        var codeText = code?.ToString() ?? ((int)response.StatusCode).ToString();
        var reason = message ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        if (subcode is not null)
        {
            codeText = $"{codeText}/{subcode}";
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests || (code is { } c && RateLimitCodes.Contains(c)))
        {
            return new SendOutcome.RetryLater(RetryAfter(response), codeText, reason);
        }

        if ((int)response.StatusCode >= 500 || (code is { } t && TransientCodes.Contains(t)))
        {
            return new SendOutcome.RetryLater(RetryAfter(response), codeText, reason);
        }

        return new SendOutcome.Failed(codeText, reason);
    }

    /// <summary>The provider's Retry-After delay, when it gave one as seconds.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter?.Delta;

    private static (long? Code, long? Subcode, string? Message) Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.Object("error") is not { } error)
            {
                return (null, null, null);
            }

            var details = error.Object("error_data")?.String("details");
            var message = error.String("message");
            return (error.Int64("code"), error.Int64("error_subcode"), details is null ? message : $"{message}: {details}");
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }
}
