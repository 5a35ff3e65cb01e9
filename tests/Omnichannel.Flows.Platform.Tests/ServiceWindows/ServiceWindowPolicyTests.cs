using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Instagram;
using Omnichannel.Flows.Platform.Channels.Messenger;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Tests.ServiceWindows;

public sealed class ServiceWindowPolicyTests
{
    private static readonly DateTime LastMessage = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    private static ServiceWindowPolicy Policy(bool humanAgentApproved = true) => new(
        Options.Create(new MessengerOptions { HumanAgentTagApproved = humanAgentApproved }),
        Options.Create(new InstagramOptions { HumanAgentTagApproved = humanAgentApproved }));

    [Theory]
    [InlineData(0, true)]
    [InlineData(23 * 60 + 59, true)]
    [InlineData(24 * 60, false)]
    [InlineData(24 * 60 + 1, false)]
    public void WhatsApp_IsOpenUntil24HoursAfterTheCustomersLastMessage(int minutesLater, bool open)
    {
        var window = Policy().Evaluate(ChannelKind.WhatsApp, LastMessage, fromFreeEntryPoint: false, LastMessage.AddMinutes(minutesLater));

        Assert.Equal(open, window.Open);
        Assert.Equal(LastMessage.AddHours(24), window.ClosesAt);
        Assert.Null(window.HumanAgentUntil);
    }

    [Theory]
    [InlineData(71, true)]
    [InlineData(72, false)]
    public void WhatsApp_FromAFreeEntryPoint_Stays72Hours(int hoursLater, bool open)
    {
        var window = Policy().Evaluate(ChannelKind.WhatsApp, LastMessage, fromFreeEntryPoint: true, LastMessage.AddHours(hoursLater));

        Assert.Equal(open, window.Open);
        Assert.True(window.FreeEntryPoint);
    }

    [Theory]
    [InlineData(ChannelKind.Messenger)]
    [InlineData(ChannelKind.Instagram)]
    public void MessengerAndInstagram_Are24Hours_ThenAHumanAgentMayReplyFor7Days(ChannelKind channel)
    {
        var policy = Policy();
        var inside = policy.Evaluate(channel, LastMessage, false, LastMessage.AddHours(23));
        var humanAgent = policy.Evaluate(channel, LastMessage, false, LastMessage.AddHours(25));
        var lastMinute = policy.Evaluate(channel, LastMessage, false, LastMessage.AddDays(7).AddMinutes(-1));
        var after = policy.Evaluate(channel, LastMessage, false, LastMessage.AddDays(7));

        Assert.True(inside.Open);
        Assert.False(inside.HumanAgentOpen(LastMessage.AddHours(23)));
        Assert.False(humanAgent.Open);
        Assert.True(humanAgent.HumanAgentOpen(LastMessage.AddHours(25)));
        Assert.True(lastMinute.HumanAgentOpen(LastMessage.AddDays(7).AddMinutes(-1)));
        Assert.False(after.HumanAgentOpen(LastMessage.AddDays(7)));
        Assert.Equal(LastMessage.AddDays(7), humanAgent.HumanAgentUntil);
    }

    [Fact]
    public void HumanAgentReplies_NeedThePagesApproval()
    {
        var window = Policy(humanAgentApproved: false).Evaluate(ChannelKind.Messenger, LastMessage, false, LastMessage.AddHours(25));

        Assert.False(window.Open);
        Assert.Null(window.HumanAgentUntil);
        Assert.False(window.HumanAgentOpen(LastMessage.AddHours(25)));
    }

    [Theory]
    [InlineData(47, true)]
    [InlineData(48, false)]
    public void TikTok_Is48Hours(int hoursLater, bool open) =>
        Assert.Equal(open, Policy().Evaluate(ChannelKind.TikTok, LastMessage, false, LastMessage.AddHours(hoursLater)).Open);

    [Theory]
    [InlineData(ChannelKind.Sms)]
    [InlineData(ChannelKind.Email)]
    [InlineData(ChannelKind.Telegram)]
    [InlineData(ChannelKind.WebChat)]
    public void ChannelsWithoutAWindow_AreAlwaysOpen(ChannelKind channel)
    {
        var window = Policy().Evaluate(channel, null, false, LastMessage.AddDays(400));

        Assert.True(window.Open);
        Assert.False(window.HasWindow);
        Assert.Null(window.ClosesAt);
    }

    [Fact]
    public void ACustomerWhoNeverWrote_HasNoOpenWindow()
    {
        var window = Policy().Evaluate(ChannelKind.WhatsApp, null, false, LastMessage);

        Assert.False(window.Open);
        Assert.Null(window.ClosesAt);
    }
}
