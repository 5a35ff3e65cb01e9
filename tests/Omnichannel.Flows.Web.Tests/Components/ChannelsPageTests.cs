using Bunit;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class ChannelsPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public void Page_ShowsThreadsAsUnavailableWithTheReason()
    {
        var cut = Render<ChannelsPage>();

        var threads = cut.Find("[data-testid=channel-row][data-channel=threads]");
        Assert.Equal("unavailable", threads.QuerySelector("[data-testid=channel-mode]")!.TextContent.Trim());
        Assert.Contains("no direct-message API", threads.TextContent);
        Assert.Null(threads.QuerySelector("[data-testid=channel-webhook]"));
    }

    [Fact]
    public void Page_ShowsEachChannelsModeAndItsWebhookUrlOnTheBrowsersBaseUrl()
    {
        var cut = Render<ChannelsPage>();

        // The test host configures WhatsApp's credentials (live) and no other channel's (disabled outside Development).
        var whatsApp = cut.Find("[data-testid=channel-row][data-channel=whatsapp]");
        Assert.Equal("live", whatsApp.QuerySelector("[data-testid=channel-mode]")!.TextContent.Trim());
        Assert.Equal("http://localhost/webhooks/whatsapp", whatsApp.QuerySelector("[data-testid=channel-webhook]")!.TextContent.Trim());
        var sms = cut.Find("[data-testid=channel-row][data-channel=sms]");
        Assert.Equal("disabled", sms.QuerySelector("[data-testid=channel-mode]")!.TextContent.Trim());
        Assert.Contains("Webhooks answer 404", sms.TextContent);
    }
}
