using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class ConsentKeywordsTests
{
    private static readonly ConsentKeywords Defaults = new(Options.Create(new ConsentOptions()));

    [Theory]
    [InlineData("STOP", ConsentKeyword.OptOut)]
    [InlineData("STOPALL", ConsentKeyword.OptOut)]
    [InlineData("UNSUBSCRIBE", ConsentKeyword.OptOut)]
    [InlineData("CANCEL", ConsentKeyword.OptOut)]
    [InlineData("END", ConsentKeyword.OptOut)]
    [InlineData("QUIT", ConsentKeyword.OptOut)]
    [InlineData("OPTOUT", ConsentKeyword.OptOut)]
    [InlineData("REVOKE", ConsentKeyword.OptOut)]
    [InlineData("START", ConsentKeyword.OptIn)]
    [InlineData("YES", ConsentKeyword.OptIn)]
    [InlineData("UNSTOP", ConsentKeyword.OptIn)]
    [InlineData("HELP", ConsentKeyword.Help)]
    [InlineData("INFO", ConsentKeyword.Help)]
    public void Classify_EveryCarrierKeywordOnSms_InAnyCaseSpacingOrTrailingPunctuation_IsRecognised(string keyword, ConsentKeyword expected)
    {
        string[] variants =
        [
            keyword, keyword.ToLowerInvariant(), $"  {keyword[..1]}{keyword[1..].ToLowerInvariant()}  ", $"{keyword}!",
            $"{keyword.ToLowerInvariant()} !!", $"{keyword}.", $"\t{keyword}?\n",
        ];

        Assert.All(variants, text => Assert.Equal(expected, Defaults.Classify(ChannelKind.Sms, text)));
    }

    [Theory]
    [InlineData("please stop calling me")]
    [InlineData("stop it")]
    [InlineData("STOP STOP")]
    [InlineData("¡STOP")]
    [InlineData("stopp")]
    [InlineData("S T O P")]
    [InlineData("help me")]
    [InlineData("yes please")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!!")]
    [InlineData(null)]
    public void Classify_AnythingButAWholeMessageKeyword_IsNone(string? text) =>
        Assert.Equal(ConsentKeyword.None, Defaults.Classify(ChannelKind.Sms, text));

    [Theory]
    [InlineData("ARRET")]
    [InlineData("STOPP")]
    [InlineData("BAJA")]
    [InlineData("ABMELDEN")]
    public void Classify_OtherLanguagesUnlessConfigured_AreNone(string text) =>
        Assert.Equal(ConsentKeyword.None, Defaults.Classify(ChannelKind.Sms, text));

    [Fact]
    public void Classify_ConfiguredKeywords_ExtendSmsAndWhatsApp()
    {
        var keywords = new ConsentKeywords(Options.Create(new ConsentOptions
        {
            OptOutKeywords = ["Stopp", "arrêt"], OptInKeywords = ["Anmelden"], HelpKeywords = ["Hilfe"],
        }));

        Assert.Equal(ConsentKeyword.OptOut, keywords.Classify(ChannelKind.Sms, "STOPP!"));
        Assert.Equal(ConsentKeyword.OptOut, keywords.Classify(ChannelKind.Sms, "Arrêt"));
        Assert.Equal(ConsentKeyword.OptOut, keywords.Classify(ChannelKind.WhatsApp, "stopp"));
        Assert.Equal(ConsentKeyword.OptIn, keywords.Classify(ChannelKind.WhatsApp, "anmelden"));
        Assert.Equal(ConsentKeyword.Help, keywords.Classify(ChannelKind.Sms, "hilfe"));
        Assert.Equal(ConsentKeyword.None, keywords.Classify(ChannelKind.WhatsApp, "hilfe"));
        Assert.Equal(ConsentKeyword.OptOut, keywords.Classify(ChannelKind.Sms, "STOP"));
    }

    [Theory]
    [InlineData("STOP", ConsentKeyword.OptOut)]
    [InlineData("Stop!", ConsentKeyword.OptOut)]
    [InlineData("START", ConsentKeyword.OptIn)]
    [InlineData("unstop", ConsentKeyword.OptIn)]
    [InlineData("CANCEL", ConsentKeyword.None)]
    [InlineData("END", ConsentKeyword.None)]
    [InlineData("YES", ConsentKeyword.None)]
    [InlineData("HELP", ConsentKeyword.None)]
    public void Classify_OnWhatsApp_KnowsStopAndStartOnly(string text, ConsentKeyword expected) =>
        Assert.Equal(expected, Defaults.Classify(ChannelKind.WhatsApp, text));

    [Theory]
    [InlineData(ChannelKind.Telegram)]
    [InlineData(ChannelKind.Email)]
    [InlineData(ChannelKind.WebChat)]
    [InlineData(ChannelKind.Messenger)]
    public void Classify_OnChannelsWithoutKeywords_IsNone(ChannelKind channel) =>
        Assert.Equal(ConsentKeyword.None, Defaults.Classify(channel, "STOP"));

    [Theory]
    [InlineData("Stop promotions", null, true)]
    [InlineData("STOP PROMOTIONS", "anything", true)]
    [InlineData(" stop  promotions ", null, true)]
    [InlineData("Unsubscribe", "Stop promotions", true)]
    [InlineData("Track my order", "TRACK", false)]
    [InlineData("Stop", "Stop", false)]
    [InlineData(null, null, false)]
    public void IsStopPromotions_MetasLabelOrPayload_IsRecognised(string? label, string? payload, bool expected) =>
        Assert.Equal(expected, Defaults.IsStopPromotions(label, payload));

    [Fact]
    public void IsStopPromotions_TranslatedLabelWhenConfigured_IsRecognised()
    {
        var keywords = new ConsentKeywords(Options.Create(new ConsentOptions { StopPromotionsButtons = ["Werbung stoppen"] }));

        Assert.True(keywords.IsStopPromotions("Werbung stoppen", null));
        Assert.False(Defaults.IsStopPromotions("Werbung stoppen", null));
    }

    [Fact]
    public void OptionsValidator_KeywordInTwoLists_FailsNamingBoth()
    {
        var result = new ConsentOptionsValidator().Validate(null, new ConsentOptions { OptInKeywords = ["stop"] });

        Assert.True(result.Failed);
        Assert.Contains("'STOP' is in Consent:OptOutKeywords and Consent:OptInKeywords", result.FailureMessage);
    }

    [Fact]
    public void OptionsValidator_EmptyKeyword_Fails()
    {
        var result = new ConsentOptionsValidator().Validate(null, new ConsentOptions { OptOutKeywords = [" !"] });

        Assert.True(result.Failed);
        Assert.Contains("Consent:OptOutKeywords has an empty keyword", result.FailureMessage);
    }

    [Fact]
    public void OptionsValidator_Defaults_Pass() =>
        Assert.True(new ConsentOptionsValidator().Validate(null, new ConsentOptions { OptOutKeywords = ["STOPP"], StopPromotionsButtons = ["Werbung stoppen"] }).Succeeded);
}
