using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class ProviderOptOutJobTests
{
    [Theory]
    [InlineData(ChannelKind.Sms, "21610", ConsentScope.All)]
    [InlineData(ChannelKind.WhatsApp, "131050", ConsentScope.Marketing)]
    [InlineData(ChannelKind.WhatsApp, "131050/2494010", ConsentScope.Marketing)]
    [InlineData(ChannelKind.WhatsApp, "21610", null)]
    [InlineData(ChannelKind.Sms, "131050", null)]
    [InlineData(ChannelKind.WhatsApp, "131049", null)]
    [InlineData(ChannelKind.WhatsApp, "131026", null)]
    [InlineData(ChannelKind.Sms, null, null)]
    public void OptOutScope_ReadsTheProvidersCode(ChannelKind channel, string? code, ConsentScope? expected) =>
        Assert.Equal(expected, ProviderOptOutJob.OptOutScope(channel, code));
}
