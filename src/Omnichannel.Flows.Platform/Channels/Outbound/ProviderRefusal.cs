using System.Net;
using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels.Outbound;

/// <summary>
/// What a provider's refusal means for the message, once its adapter has read the provider's code and reason: rate
/// limits and provider faults are tried again later (after the provider's delay when it named one); anything else fails
/// for good with the provider's code, so agents see why.
/// </summary>
public static class ProviderRefusal
{
    public static SendOutcome Classify(
        HttpStatusCode status, string code, string reason, bool rateLimited = false, bool transient = false, TimeSpan? retryAfter = null) =>
        rateLimited || transient || status == HttpStatusCode.TooManyRequests || (int)status >= 500
            ? new SendOutcome.RetryLater(retryAfter, code, reason)
            : new SendOutcome.Failed(code, reason);

    /// <summary>The answer's body as JSON, or an undefined element when it is not JSON (a proxy's HTML error page).</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>"HTTP 503 Service Unavailable": the reason when the provider gave none.</summary>
    public static string Describe(HttpResponseMessage response) => $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
}
