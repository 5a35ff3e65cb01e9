using Bunit;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class ChannelsPageTests(SmsSwitchedOffAppFactory app) : ComponentTest(app), IClassFixture<SmsSwitchedOffAppFactory>
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

        // The test host configures every channel live, but an admin switched SMS off (see the factory below).
        var whatsApp = cut.Find("[data-testid=channel-row][data-channel=whatsapp]");
        Assert.Equal("live", whatsApp.QuerySelector("[data-testid=channel-mode]")!.TextContent.Trim());
        Assert.Equal("http://localhost/webhooks/whatsapp", whatsApp.QuerySelector("[data-testid=channel-webhook]")!.TextContent.Trim());
        var sms = cut.Find("[data-testid=channel-row][data-channel=sms]");
        Assert.Equal("disabled", sms.QuerySelector("[data-testid=channel-mode]")!.TextContent.Trim());
        Assert.Contains("Webhooks answer 404", sms.TextContent);
    }
}

/// <summary>The test host with the SMS channel disabled by configuration.</summary>
public sealed class SmsSwitchedOffAppFactory : FlowsAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Channels:Sms:Mode"] = "Disabled";
}
