using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// Hex-encoded HMAC-SHA256 of a text: how an email inbound-parse webhook signs <c>timestamp + token</c> and how a website
/// vouches for a web chat visitor's email or phone. Claims are compared in constant time.
/// </summary>
public static class HexHmac
{
    public static string Compute(string key, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text)));

    /// <summary>True when <paramref name="claimedHex"/> is the HMAC of <paramref name="text"/> under <paramref name="key"/>.</summary>
    public static bool Matches(string? key, string text, string? claimedHex)
    {
        if (string.IsNullOrEmpty(key) || claimedHex is not { Length: 64 } || !IsHex(claimedHex))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text));
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(claimedHex), expected);
    }

    public static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);
}
