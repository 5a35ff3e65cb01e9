using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>One customer, one profile: a number proven on one channel joins the same person writing on another.</summary>
public sealed class CrossChannelProfileTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData("4915112345678", "+4915112345678")]
    [InlineData("5215512345678", "+525512345678")] // Mexican mobile: WhatsApp keeps the old '1', SMS does not.
    public async Task SmsFromAWhatsAppCustomersNumber_LandsInTheSameProfile(string waId, string smsFrom)
    {
        var client = app.CreateClient();
        var whatsApp = WhatsAppPayloads.Text(waId, $"wamid.{Guid.NewGuid():N}", app.Clock.GetUtcNow(), "Hi from WhatsApp");
        (await client.PostMetaAsync("/webhooks/whatsapp", whatsApp, app.Secrets.WhatsAppAppSecret)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        var sid = $"SM{Guid.NewGuid():N}";

        (await client.PostTwilioAsync("/webhooks/sms", SmsPayloads.Message(smsFrom, sid, "and now by SMS"), app.Secrets.TwilioAuthToken)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var whatsAppContact = await db.ChannelIdentities.Where(i => i.Channel == ChannelKind.WhatsApp && i.ExternalId == waId).Select(i => i.ContactId).SingleAsync();
        var sms = await db.Messages.SingleAsync(m => m.ExternalId == sid);
        Assert.Equal(whatsAppContact, sms.ContactId);
        var identities = await db.ChannelIdentities.Where(i => i.ContactId == whatsAppContact).Select(i => i.Channel).ToListAsync();
        Assert.Equal([ChannelKind.WhatsApp, ChannelKind.Sms], identities.Order());
        Assert.False(await db.MergeSuggestions.AnyAsync(s => s.ContactId == whatsAppContact || s.CandidateContactId == whatsAppContact));
    }

    [Fact]
    public async Task TelegramUserSharingTheirOwnNumber_JoinsTheProfileThatNumberBelongsTo()
    {
        var phone = TestData.NewGermanMobile();
        var smsContact = await app.CustomerTextsAsync(phone, "Hello by SMS");
        var simulator = app.Services.GetServices<IChannelSimulator>().Single(s => s.Channel == ChannelKind.Telegram);
        var customer = new SimulatedMessage($"tg_{Guid.NewGuid():N}"[..20], "and now on Telegram") { SharedPhone = phone };

        var result = await simulator.SendAsync(app.CreateClient(), customer, CancellationToken.None);
        await app.WaitForInboundProcessingAsync();

        Assert.True(result.Accepted, result.Detail);
        await using var db = await app.CreateDbContextAsync();
        var externalId = simulator.ExternalIdOf(customer);
        var telegram = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.Telegram && i.ExternalId == externalId);
        Assert.Equal(smsContact, telegram.ContactId);
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ChannelIdentityId == telegram.Id));
    }
}
