using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Session tokens: <c>{session id}.{32 random bytes, base64url}</c>, shown to the visitor once; only the SHA-256 is
/// stored. The id part lets a token be checked with one lookup by key.
/// </summary>
public static class WebChatTokens
{
    public static (string Token, string Hash) Issue(Guid sessionId)
    {
        var token = $"{sessionId:N}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return (token, Hash(token));
    }

    public static Guid? SessionIdOf(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot == 32 && Guid.TryParseExact(token.AsSpan(0, dot), "N", out var id) ? id : null;
    }

    public static bool Matches(string token, string storedHash) =>
        storedHash.Length == 64 && HexHmac.IsHex(storedHash) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), Convert.FromHexString(storedHash));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
