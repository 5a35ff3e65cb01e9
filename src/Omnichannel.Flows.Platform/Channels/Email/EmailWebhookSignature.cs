using System.Globalization;
using System.Security.Cryptography;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// The inbound-parse webhook's signature (Mailgun style): form fields <c>timestamp</c> (unix seconds), <c>token</c>
/// (random, once per delivery) and <c>signature</c> = hex HMAC-SHA256(signing key, timestamp + token). It covers neither
/// the body nor the time by itself, so stale timestamps are refused here and reused tokens by the ingest pipeline
/// (<see cref="IReplayGuardedChannel"/>).
/// </summary>
public static class EmailWebhookSignature
{
    public static WebhookVerdict Verify(EmailForm form, string? signingKey, DateTimeOffset now, TimeSpan maxAge)
    {
        if (string.IsNullOrEmpty(signingKey))
        {
            return WebhookVerdict.Unauthorized("No signing key is configured for the email channel.");
        }

        var (timestamp, token, signature) = (form["timestamp"], form["token"], form["signature"]);
        if (timestamp is null || token is null || signature is null)
        {
            return WebhookVerdict.Unauthorized("The form lacks timestamp, token or signature.");
        }

        if (!HexHmac.Matches(signingKey, timestamp + token, signature))
        {
            return WebhookVerdict.Unauthorized("signature is not the HMAC of timestamp and token under the signing key.");
        }

        if (SignedAt(timestamp) is not { } signedAt)
        {
            return WebhookVerdict.Unauthorized("timestamp is not unix seconds.");
        }

        var age = now - signedAt;
        return age.Duration() <= maxAge
            ? WebhookVerdict.Accepted
            : WebhookVerdict.Unauthorized(
                $"timestamp is {age.TotalMinutes:F0} minutes from now; only deliveries within {maxAge.TotalMinutes:F0} minutes are accepted.");
    }

    /// <summary>The token to remember until the delivery's timestamp makes it stale anyway.</summary>
    public static ReplayNonce? NonceOf(EmailForm form, TimeSpan maxAge) =>
        form["token"] is { } token && form["timestamp"] is { } timestamp && SignedAt(timestamp) is { } signedAt
            ? new ReplayNonce(token, (signedAt + maxAge).UtcDateTime)
            : null;

    /// <summary>The <c>timestamp</c>, <c>token</c> and <c>signature</c> fields the provider would send at <paramref name="now"/>.</summary>
    public static IReadOnlyDictionary<string, string> Sign(string signingKey, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(25));
        return new Dictionary<string, string>
        {
            ["timestamp"] = timestamp,
            ["token"] = token,
            ["signature"] = HexHmac.Compute(signingKey, timestamp + token),
        };
    }

    private static DateTimeOffset? SignedAt(string timestamp) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
