using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>
/// TikTok's webhook signature: <c>Tiktok-Signature: t=&lt;unix seconds&gt;,s=&lt;hex&gt;</c> with s = HMAC-SHA256(client secret,
/// "&lt;t&gt;.&lt;raw body&gt;"), compared in constant time. The timestamp is signed, so a delivery more than
/// <see cref="Tolerance"/> away from our clock is refused as a replay.
/// </summary>
public static class TikTokSignature
{
    public const string Header = "Tiktok-Signature";

    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static WebhookVerdict Verify(WebhookRequest request, string? clientSecret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(clientSecret))
        {
            return WebhookVerdict.Unauthorized("No client secret is configured for the TikTok channel.");
        }

        var parts = request.Headers[Header].ToString().Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            !parts.TryGetValue("s", out var signature) || signature.Length != 64)
        {
            return WebhookVerdict.Unauthorized($"Missing or malformed {Header} header.");
        }

        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return WebhookVerdict.Unauthorized($"{Header} is not hex.");
        }

        if (!CryptographicOperations.FixedTimeEquals(claimed, Hash(clientSecret, timestamp, request.Body)))
        {
            return WebhookVerdict.Unauthorized($"{Header} does not match the body.");
        }

        var ageSeconds = now.ToUnixTimeSeconds() - seconds;
        return Math.Abs(ageSeconds) <= Tolerance.TotalSeconds
            ? WebhookVerdict.Accepted
            : WebhookVerdict.Unauthorized($"{Header} was made {ageSeconds} seconds from now; more than {Tolerance.TotalMinutes:F0} minutes is refused as a replay.");
    }

    /// <summary>The header value TikTok would send for <paramref name="body"/> at <paramref name="at"/> (used by the simulator).</summary>
    public static string Sign(byte[] body, string clientSecret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},s={Convert.ToHexStringLower(Hash(clientSecret, timestamp, body))}";
    }

    private static byte[] Hash(string clientSecret, string timestamp, byte[] body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), signed);
    }
}
