using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Email;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class EmailWebhookSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    [Fact]
    public void SignedFields_Verify_AndTheirTokenIsTheNonceUntilTheyGoStale()
    {
        var form = Form(EmailWebhookSignature.Sign("key", Now.AddMinutes(-2)));

        Assert.Equal(WebhookVerdict.Accepted, EmailWebhookSignature.Verify(form, "key", Now, MaxAge));
        var nonce = EmailWebhookSignature.NonceOf(form, MaxAge);
        Assert.Equal(form["token"], nonce?.Value);
        Assert.Equal(Now.AddMinutes(8).UtcDateTime, nonce?.RememberUntil);
    }

    [Theory]
    [InlineData(-11)]
    [InlineData(11)]
    public void TimestampOutsideTheWindow_IsRefused(int minutes)
    {
        var form = Form(EmailWebhookSignature.Sign("key", Now.AddMinutes(minutes)));

        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(EmailWebhookSignature.Verify(form, "key", Now, MaxAge));
    }

    [Fact]
    public void OtherKey_OrChangedToken_IsRefused()
    {
        var fields = new Dictionary<string, string>(EmailWebhookSignature.Sign("key", Now));

        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(EmailWebhookSignature.Verify(Form(fields), "other-key", Now, MaxAge));
        fields["token"] += "0";
        Assert.IsType<WebhookVerdict.UnauthorizedVerdict>(EmailWebhookSignature.Verify(Form(fields), "key", Now, MaxAge));
    }

    private static EmailForm Form(IReadOnlyDictionary<string, string> fields) =>
        EmailForm.Read(new FormUrlEncodedContent(fields).ReadAsByteArrayAsync().GetAwaiter().GetResult(), "application/x-www-form-urlencoded");
}
