using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.TikTok;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class TikTokSignatureTests
{
    private const string Secret = "client-secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = """{"event":"im_receive_msg","content":"{}"}"""u8.ToArray();

    [Fact]
    public void SignatureOverTimestampDotBody_IsAccepted()
    {
        Assert.Equal(WebhookVerdict.Accepted, TikTokSignature.Verify(Request(Header(Now)), Secret, Now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void TimestampMoreThanFiveMinutesAway_IsUnauthorized(int seconds)
    {
        var verdict = TikTokSignature.Verify(Request(Header(Now.AddSeconds(seconds))), Secret, Now);

        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(verdict);
    }

    [Theory]
    [InlineData("")]
    [InlineData("t=1764072000")]
    [InlineData("s=00")]
    [InlineData("t=soon,s=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1764072000,s=zz00000000000000000000000000000000000000000000000000000000000000")]
    public void MalformedHeader_IsUnauthorized(string header)
    {
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(TikTokSignature.Verify(Request(header), Secret, Now));
    }

    [Fact]
    public void SignatureWithAnotherSecret_IsUnauthorized()
    {
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(TikTokSignature.Verify(Request(Header(Now)), "other-secret", Now));
    }

    /// <summary>Computed here from TikTok's description (HMAC-SHA256 of "t.body", hex), not with the code under test.</summary>
    private static string Header(DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var s = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(t + "." + Encoding.UTF8.GetString(Body))));
        return $"t={t},s={s}";
    }

    private static WebhookRequest Request(string header) => new()
    {
        Body = Body,
        Headers = new HeaderDictionary { ["Tiktok-Signature"] = header },
        Query = QueryCollection.Empty,
    };
}
