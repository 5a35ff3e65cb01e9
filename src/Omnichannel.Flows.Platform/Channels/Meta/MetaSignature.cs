using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// Meta's webhook signature (WhatsApp, Messenger, Instagram): <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, the
/// HMAC-SHA256 of the raw body keyed with the app secret, compared in constant time.
/// </summary>
public static class MetaSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static WebhookVerdict Verify(WebhookRequest request, string? appSecret)
    {
        if (string.IsNullOrEmpty(appSecret))
        {
            return WebhookVerdict.Unauthorized("No app secret is configured for this channel.");
        }

        var header = request.Headers[Header].ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length != Prefix.Length + 64)
        {
            return WebhookVerdict.Unauthorized($"Missing or malformed {Header} header.");
        }

        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return WebhookVerdict.Unauthorized($"{Header} is not hex.");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), request.Body);
        return CryptographicOperations.FixedTimeEquals(claimed, expected)
            ? WebhookVerdict.Accepted
            : WebhookVerdict.Unauthorized($"{Header} does not match the body.");
    }

    /// <summary>What a Meta webhook gets before it is stored: the signature first, then the envelope's shape (see <see cref="MetaJson.InspectEnvelope"/>).</summary>
    public static WebhookVerdict VerifyThenInspect(WebhookRequest request, string? appSecret, string envelopeObject)
    {
        var signature = Verify(request, appSecret);
        return signature == WebhookVerdict.Accepted ? MetaJson.InspectEnvelope(request.Body, envelopeObject) : signature;
    }

    /// <summary>The header value Meta would send for <paramref name="body"/> (used by the simulator and tests).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>Answers Meta's subscription handshake: the challenge when the verify token matches, otherwise 403.</summary>
    public static IResult AnswerSubscription(IQueryCollection query, string? verifyToken)
    {
        var mode = query["hub.mode"].ToString();
        var token = query["hub.verify_token"].ToString();
        var challenge = query["hub.challenge"].ToString();
        var matches = !string.IsNullOrEmpty(verifyToken) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(verifyToken));
        return mode == "subscribe" && matches && challenge.Length > 0
            ? Results.Text(challenge, "text/plain")
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Verification failed",
                detail: "hub.mode must be 'subscribe' and hub.verify_token must match the configured verify token.");
    }
}
