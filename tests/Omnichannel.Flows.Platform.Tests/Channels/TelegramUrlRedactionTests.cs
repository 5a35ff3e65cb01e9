using Omnichannel.Flows.Platform.Channels.Telegram;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class TelegramUrlRedactionTests
{
    [Fact]
    public void BotApiUrl_LosesItsTokenInLogsAndTraces()
    {
        var url = new Uri("https://api.telegram.org/bot123456:AA-secret_token/sendMessage?x=1");

        Assert.True(TelegramHttpLogger.CarriesBotToken(url));
        Assert.Equal("https://api.telegram.org/bot***/sendMessage", TelegramHttpLogger.RedactUrl(url));
    }

    [Fact]
    public void OtherUrls_AreLeftAlone() =>
        Assert.False(TelegramHttpLogger.CarriesBotToken(new Uri("https://graph.facebook.com/v24.0/123/messages")));
}
