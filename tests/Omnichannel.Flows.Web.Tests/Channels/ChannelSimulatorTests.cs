using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>The simulators post real, signed provider webhooks: what they send goes the production path and is stored.</summary>
public sealed class ChannelSimulatorTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData(ChannelKind.Sms)]
    [InlineData(ChannelKind.Telegram)]
    [InlineData(ChannelKind.TikTok)]
    public async Task SimulatedCustomer_IsAcceptedAndStoredUnderTheIdentityTheSimulatorNames(ChannelKind channel)
    {
        var simulator = app.Services.GetServices<IChannelSimulator>().Single(s => s.Channel == channel);
        var customerId = channel == ChannelKind.Sms ? TestData.NewGermanMobile() : $"sim_{Guid.NewGuid():N}"[..16];
        var text = $"simulated on {channel} {Guid.NewGuid():N}";

        var result = await simulator.SendAsync(app.CreateClient(), new SimulatedMessage(customerId, text) { DisplayName = "Sim Customer" }, CancellationToken.None);
        await app.WaitForInboundProcessingAsync();

        Assert.True(result.Accepted, result.Detail);
        await using var db = await app.CreateDbContextAsync();
        var externalId = simulator.ExternalIdOf(new SimulatedMessage(customerId, text));
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == channel && i.ExternalId == externalId);
        var message = await db.Messages.SingleAsync(m => m.Text == text);
        Assert.Equal(identity.Id, message.ChannelIdentityId);
        Assert.Equal(channel, message.Channel);
    }
}
