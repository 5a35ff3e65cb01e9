using Microsoft.AspNetCore.Http;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Sms;

namespace Omnichannel.Flows.Platform.Tests.Channels;

/// <summary>Pinned to the worked example in Twilio's webhook security docs (auth token 12345), an independent reference.</summary>
public sealed class TwilioSignatureTests
{
    private const string AuthToken = "12345";
    private const string DocumentedUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string DocumentedSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private const string DocumentedForm = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";

    [Fact]
    public void DocumentedExample_IsAccepted()
    {
        var verdict = Verify(DocumentedForm, DocumentedSignature, url: DocumentedUrl);

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Fact]
    public void ParameterOrder_DoesNotMatter()
    {
        var verdict = Verify("To=%2B18005551212&Digits=1234&From=%2B14158675309&CallSid=CA1234567890ABCDE&Caller=%2B14158675309", DocumentedSignature, url: DocumentedUrl);

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Fact]
    public void RepeatedParameters_AreSignedOnceEachSortedByValue()
    {
        var verdict = Verify("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234", "IK+Dwps556ElfBT0I3Rgjkr1wJU=", url: DocumentedUrl);

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Fact]
    public void BehindAProxy_TheConfiguredPublicUrlPlusThePathAndQueryIsWhatWasSigned()
    {
        var verdict = Verify(DocumentedForm, DocumentedSignature, url: "http://10.0.0.7:8080/myapp.php?foo=1&bar=2",
            pathAndQuery: "/myapp.php?foo=1&bar=2", webhookUrl: "https://mycompany.com/");

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Fact]
    public void UrlWithAPort_MatchesTheSignatureOfTheUrlWithoutIt()
    {
        var verdict = Verify(DocumentedForm, DocumentedSignature, url: "https://mycompany.com:1234/myapp.php?foo=1&bar=2");

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Fact]
    public void SignatureOfTheUrlWithTheDefaultPort_MatchesTheUrlWithoutIt()
    {
        // Twilio's validator tests: the documented example signed as https://mycompany.com:443/….
        var verdict = Verify(DocumentedForm, "kvajT1Ptam85bY51eRf/AJRuM3w=", url: DocumentedUrl);

        Assert.Equal(WebhookVerdict.Accepted, verdict);
    }

    [Theory]
    [InlineData("CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&From=%2B14158675309&To=%2B18005551212", DocumentedSignature, DocumentedUrl)]
    [InlineData(DocumentedForm, DocumentedSignature, "https://mycompany.com/myapp.php?foo=1&bar=3")]
    [InlineData(DocumentedForm, "RSOYDt4T1cUTdK1PDd93/VVr8B7=", DocumentedUrl)]
    [InlineData(DocumentedForm, "RSOYDt4T1cUTdK1PDd93/VVr8B9=", DocumentedUrl)] // same bytes, but not the Base64 Twilio sends
    [InlineData(DocumentedForm, "not base64", DocumentedUrl)]
    [InlineData(DocumentedForm, "", DocumentedUrl)]
    public void AnyChange_IsUnauthorized(string form, string signature, string url)
    {
        var verdict = Verify(form, signature, url);

        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(verdict);
    }

    [Fact]
    public void WithoutAnAuthToken_NothingIsAccepted()
    {
        var verdict = TwilioSignature.Verify(Request(DocumentedForm, DocumentedSignature, DocumentedUrl, ""), TwilioForm.Parse(DocumentedForm), authToken: null, webhookUrl: null);

        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(verdict);
    }

    private static WebhookVerdict Verify(string form, string signature, string url, string pathAndQuery = "", string? webhookUrl = null) =>
        TwilioSignature.Verify(Request(form, signature, url, pathAndQuery), TwilioForm.Parse(form), AuthToken, webhookUrl);

    private static WebhookRequest Request(string form, string signature, string url, string pathAndQuery) => new()
    {
        Body = System.Text.Encoding.UTF8.GetBytes(form),
        ContentType = "application/x-www-form-urlencoded",
        Headers = new HeaderDictionary { ["X-Twilio-Signature"] = signature },
        Query = QueryCollection.Empty,
        Url = url,
        PathAndQuery = pathAndQuery,
    };
}
