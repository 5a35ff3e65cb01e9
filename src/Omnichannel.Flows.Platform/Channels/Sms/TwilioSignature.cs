using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// Twilio's webhook signature: <c>X-Twilio-Signature</c> = Base64(HMAC-SHA1(auth token, the full URL Twilio called
/// followed by each distinct POST parameter's name and value, sorted by name, then value)), compared in constant time.
/// Like Twilio's own validators, the URL is also tried without its port, or with the scheme's default port added.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static WebhookVerdict Verify(WebhookRequest request, TwilioForm form, string? authToken, string? webhookUrl)
    {
        if (string.IsNullOrEmpty(authToken))
        {
            return WebhookVerdict.Unauthorized("No auth token is configured for the SMS channel.");
        }

        var claimed = Encoding.ASCII.GetBytes(request.Headers[Header].ToString());
        if (claimed.Length == 0)
        {
            return WebhookVerdict.Unauthorized($"Missing {Header} header.");
        }

        var url = PublicUrl(webhookUrl, request.Url, request.PathAndQuery);
        return PortVariants(url).Any(candidate => CryptographicOperations.FixedTimeEquals(claimed, Encoding.ASCII.GetBytes(Sign(authToken, candidate, form))))
            ? WebhookVerdict.Accepted
            : WebhookVerdict.Unauthorized($"{Header} does not match {url} and the posted parameters.");
    }

    /// <summary>The header value Twilio would send (used by the simulator).</summary>
    public static string Sign(string authToken, string url, TwilioForm form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.Parameters.Distinct().OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>The URL Twilio called: the configured public base plus the request's path and query, or the request's own URL.</summary>
    public static string PublicUrl(string? webhookUrl, string requestUrl, string pathAndQuery) =>
        string.IsNullOrWhiteSpace(webhookUrl) ? requestUrl : webhookUrl.TrimEnd('/') + pathAndQuery;

    /// <summary>The URL as given, and with its port removed or, when it has none, the scheme's default port added.</summary>
    private static IEnumerable<string> PortVariants(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            yield break;
        }

        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart) is var end and >= 0 ? end : url.Length;
        var authority = url[authorityStart..authorityEnd];
        var portSeparator = authority.LastIndexOf(':');
        var hasPort = portSeparator > authority.LastIndexOf(']') && portSeparator > authority.LastIndexOf('@');
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? 443 : 80;
        yield return url[..authorityStart] + (hasPort ? authority[..portSeparator] : $"{authority}:{defaultPort}") + url[authorityEnd..];
    }
}
