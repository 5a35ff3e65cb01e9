using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// Twilio's webhook signature: <c>X-Twilio-Signature</c> = Base64(HMAC-SHA1(auth token, the full URL Twilio called
/// followed by each POST parameter's name and value, sorted by name)), compared in constant time. Twilio may sign the
/// URL with or without the scheme's default port, so both forms are accepted.
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

        var header = request.Headers[Header].ToString();
        var claimed = new byte[20];
        if (!Convert.TryFromBase64String(header, claimed, out var length) || length != claimed.Length)
        {
            return WebhookVerdict.Unauthorized($"Missing or malformed {Header} header.");
        }

        var url = PublicUrl(webhookUrl, request.Url, request.PathAndQuery);
        return WithAndWithoutDefaultPort(url).Any(candidate => CryptographicOperations.FixedTimeEquals(claimed, Hash(authToken, candidate, form)))
            ? WebhookVerdict.Accepted
            : WebhookVerdict.Unauthorized($"{Header} does not match {url} and the posted parameters.");
    }

    /// <summary>The header value Twilio would send (used by the simulator).</summary>
    public static string Sign(string authToken, string url, TwilioForm form) => Convert.ToBase64String(Hash(authToken, url, form));

    /// <summary>The URL Twilio called: the configured public base plus the request's path and query, or the request's own URL.</summary>
    public static string PublicUrl(string? webhookUrl, string requestUrl, string pathAndQuery) =>
        string.IsNullOrWhiteSpace(webhookUrl) ? requestUrl : webhookUrl.TrimEnd('/') + pathAndQuery;

    private static byte[] Hash(string authToken, string url, TwilioForm form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
    }

    private static IEnumerable<string> WithAndWithoutDefaultPort(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsDefaultPort)
        {
            yield break;
        }

        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?'], authorityStart) is var end and >= 0 ? end : url.Length;
        var authority = url[authorityStart..authorityEnd];
        var portSeparator = authority.LastIndexOf(':');
        var otherAuthority = portSeparator > authority.LastIndexOf(']') ? authority[..portSeparator] : $"{authority}:{uri.Port}";
        yield return url[..authorityStart] + otherAuthority + url[authorityEnd..];
    }
}
