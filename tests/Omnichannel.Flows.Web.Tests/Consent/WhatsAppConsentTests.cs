using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

public sealed class WhatsAppConsentTests : IClassFixture<ConsentAppFactory>
{
    private readonly ConsentAppFactory app;

    public WhatsAppConsentTests(ConsentAppFactory app)
    {
        this.app = app;
        app.Provider.AcceptWhatsAppSends();
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("stop!")]
    [InlineData(" Stop ")]
    public async Task Stop_OptsOutOfMarketingOnWhatsAppOnly(string text)
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), text);

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);

        Assert.Equal(ConsentSource.Keyword, state.Source);
        Assert.Equal(text, Assert.Single(await app.HistoryAsync(contactId)).Detail);
        // Agents still answer, order updates still go; promotions do not.
        Assert.Equal([SendPurpose.Conversation, SendPurpose.Transactional, SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.WhatsApp));
        Assert.Equal(Enum.GetValues<SendPurpose>(), await app.AllowedPurposesAsync(contactId, ChannelKind.Sms));
    }

    [Fact]
    public async Task Stop_IsConfirmedWithTheMarketingConfirmation()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "STOP");

        var confirmation = await app.WaitForSystemAnswerAsync(contactId);

        Assert.Equal(ConsentOptions.DefaultMarketingOptOutConfirmation, confirmation.Text);
        var sent = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(confirmation.Id.ToString(), StringComparison.Ordinal));
        var json = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal(phone.TrimStart('+'), json.GetProperty("to").GetString());
        Assert.Equal(ConsentOptions.DefaultMarketingOptOutConfirmation, json.GetProperty("text").GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("Stop promotions", "Stop promotions")]
    [InlineData("STOP PROMOTIONS", "Stop promotions")]
    [InlineData("Stop promotions", "opt-out-1")]
    public async Task StopPromotionsButton_OptsOutOfMarketing(string text, string payload)
    {
        // A tapped template quick reply, as Meta delivers it: type "button" with the button's payload and label.
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Anna Example", app.Clock.GetUtcNow(), $$"""
            "context": { "from": "15550001111", "id": "wamid.PROMO-1" },
            "type": "button", "button": { "payload": {{JsonSerializer.Serialize(payload)}}, "text": {{JsonSerializer.Serialize(text)}} }
            """);

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);

        Assert.Equal(ConsentSource.Button, state.Source);
        Assert.Equal([SendPurpose.Conversation, SendPurpose.Transactional, SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.WhatsApp));
    }

    [Fact]
    public async Task OtherQuickReply_ChangesNothing()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Anna Example", app.Clock.GetUtcNow(), """
            "type": "button", "button": { "payload": "Stop", "text": "Track my order" }
            """);
        await app.CustomerWritesOnWhatsAppAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);

        Assert.Equal(ConsentSource.Keyword, Assert.Single(await app.HistoryAsync(contactId)).Source);
    }

    [Theory]
    [InlineData("Cancel")]
    [InlineData("HELP")]
    [InlineData("please stop")]
    public async Task CarrierWordsBesidesStop_AreMessagesForAnAgentOnWhatsApp(string text)
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, text);
        await app.CustomerWritesOnWhatsAppAsync(phone, "STOP");
        await app.WaitForSystemAnswerAsync(contactId);

        Assert.Equal("STOP", Assert.Single(await app.HistoryAsync(contactId)).Detail);
        Assert.Equal([ConsentOptions.DefaultMarketingOptOutConfirmation], (await app.SystemMessagesAsync(contactId)).Select(m => m.Text));
    }

    [Fact]
    public async Task Start_AfterStop_OptsBackInToMarketing()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);

        await app.CustomerWritesOnWhatsAppAsync(phone, "start", app.Clock.GetUtcNow().AddMinutes(2));

        await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true);
        Assert.True((await app.PolicyAsync(contactId, ChannelKind.WhatsApp, SendPurpose.Marketing)).IsAllowed);
    }

    [Fact]
    public async Task LateStop_OlderThanTheStartAlreadyRecorded_DoesNotOptOutAgain()
    {
        var phone = TestData.NewGermanMobile();
        var now = app.Clock.GetUtcNow();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "STOP", now.AddMinutes(-10));
        await app.CustomerWritesOnWhatsAppAsync(phone, "START", now.AddMinutes(-5));
        await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true);

        // Meta redelivers an older STOP (another message id, sent before the START) hours late.
        await app.CustomerWritesOnWhatsAppAsync(phone, "STOP", now.AddMinutes(-8));

        Assert.True((await app.PolicyAsync(contactId, ChannelKind.WhatsApp, SendPurpose.Marketing)).IsAllowed);
        Assert.Equal(2, (await app.HistoryAsync(contactId)).Count);
    }
}
