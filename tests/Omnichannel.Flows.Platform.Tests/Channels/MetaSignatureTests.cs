using System.Text;
using Microsoft.AspNetCore.Http;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class MetaSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");

    [Fact]
    public void Signature_OfTheRawBodyWithTheAppSecret_IsAccepted()
    {
        // Independently computed: echo -n '<body>' | openssl dgst -sha256 -hmac secret
        var header = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("secret"), Body));

        Assert.Equal(WebhookVerdict.Accepted, MetaSignature.Verify(Request(header), "secret"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=abcdef")]
    [InlineData("sha256=zz")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void MissingOrWrongSignature_IsUnauthorized(string? header) =>
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(MetaSignature.Verify(Request(header), "secret"));

    [Fact]
    public void SignatureWithAnotherSecret_IsUnauthorized() =>
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(MetaSignature.Verify(Request(MetaSignature.Sign(Body, "other")), "secret"));

    [Fact]
    public void NoConfiguredSecret_RejectsEverything() =>
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(MetaSignature.Verify(Request(MetaSignature.Sign(Body, "")), null));

    [Theory]
    [InlineData("subscribe", "token", 200, "42")]
    [InlineData("subscribe", "nope", 403, null)]
    [InlineData("unsubscribe", "token", 403, null)]
    public async Task Handshake_AnswersTheChallengeOnlyForTheVerifyToken(string mode, string token, int status, string? body)
    {
        var (actualStatus, actualBody) = await ResultRunner.ExecuteAsync(MetaSignature.AnswerSubscription(Query(mode, token, "42"), "token"));

        Assert.Equal(status, actualStatus);
        if (body is not null)
        {
            Assert.Equal(body, actualBody);
        }
    }

    private static WebhookRequest Request(string? signature)
    {
        var headers = new HeaderDictionary();
        if (signature is not null)
        {
            headers[MetaSignature.Header] = signature;
        }

        return new WebhookRequest { Body = Body, Headers = headers, Query = new QueryCollection() };
    }

    private static QueryCollection Query(string mode, string token, string challenge) => new(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
    {
        ["hub.mode"] = mode,
        ["hub.verify_token"] = token,
        ["hub.challenge"] = challenge,
    });
}
