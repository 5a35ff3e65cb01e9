using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Tests.Contacts;

public sealed class PhoneNumberNormalizerTests
{
    private readonly PhoneNumberNormalizer phones = new(Options.Create(new PhoneOptions { DefaultRegion = "DE" }));

    [Theory]
    [InlineData("+49 151 12345678", "+4915112345678")]
    [InlineData("0151 12345678", "+4915112345678")]
    [InlineData("0049 151 12345678", "+4915112345678")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    public void Normalize_WritesE164(string raw, string expected) => Assert.Equal(expected, phones.Normalize(raw));

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("+49 1")]
    public void Normalize_RejectsWhatIsNotANumber(string raw) => Assert.Null(phones.Normalize(raw));

    [Fact]
    public void WhatsAppId_IsTheSmsFormInE164() => Assert.Equal("+4915112345678", phones.FromWhatsAppId("4915112345678"));

    [Fact]
    public void MexicanWhatsAppId_DropsTheMobileOneLikeTheSmsForm()
    {
        Assert.Equal("+525512345678", phones.FromWhatsAppId("5215512345678"));
        Assert.Equal("+525512345678", phones.Normalize("+52 55 1234 5678"));
    }

    [Fact]
    public void BrazilianMobile_WithAndWithoutTheNinthDigit_ShareAMatchKey()
    {
        var withNine = phones.FromWhatsAppId("5511912345678")!;
        var withoutNine = phones.FromWhatsAppId("551112345678")!;

        Assert.NotEqual(withNine, withoutNine);
        Assert.Equal(PhoneNumberNormalizer.MatchKey(withNine), PhoneNumberNormalizer.MatchKey(withoutNine));
    }

    [Fact]
    public void DifferentNumbers_HaveDifferentKeys() =>
        Assert.NotEqual(PhoneNumberNormalizer.MatchKey("+4915112345678"), PhoneNumberNormalizer.MatchKey("+4915112345679"));

    [Theory]
    [InlineData(null)]
    [InlineData("49151abc")]
    [InlineData("+4915112345678")]
    public void WhatsAppId_OnlyDigitsAreAccepted(string? waId) => Assert.Null(phones.FromWhatsAppId(waId));
}
