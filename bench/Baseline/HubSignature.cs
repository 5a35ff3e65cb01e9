using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Bench.Baseline;

/// <summary>Meta's <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the raw body, compared in constant time.</summary>
internal sealed class HubSignature(string appSecret)
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    private readonly byte[] key = Encoding.UTF8.GetBytes(appSecret);

    public bool Matches(string header, byte[] body)
    {
        if (header.Length != Prefix.Length + 64 || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> claimed = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), claimed, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(key, body, expected);
        return CryptographicOperations.FixedTimeEquals(claimed, expected);
    }
}
