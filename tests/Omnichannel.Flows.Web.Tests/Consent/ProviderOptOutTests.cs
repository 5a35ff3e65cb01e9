using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

/// <summary>The providers enforce opt-outs made with them; a send they refuse for it teaches us the opt-out.</summary>
public sealed class ProviderOptOutTests(ConsentAppFactory app) : IClassFixture<ConsentAppFactory>
{
    private const string TwilioMessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";

    [Fact]
    public async Task SmsSendRefusedWith21610_RecordsAnSmsOptOutFromTheProvider()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "Is my order on its way?");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(TwilioMessagesPath, FakeResponse.Json(
            """{ "code": 21610, "message": "Attempt to send to unsubscribed recipient", "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400 }""", 400));

        var messageId = await admin.AgentRepliesAsync(contactId, "Yes, tomorrow.");

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        Assert.Equal(ConsentSource.ProviderError, state.Source);
        var change = Assert.Single(await app.HistoryAsync(contactId));
        Assert.Equal(messageId, change.MessageId);
        Assert.Equal("21610: Attempt to send to unsubscribed recipient", change.Detail);
        Assert.Equal([SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.Sms));
        // No confirmation: the customer opted out with the carrier, which confirmed it.
        Assert.Empty(await app.SystemMessagesAsync(contactId));

        // The job may run again (a retry, the status callback reporting the same failure): recorded once.
        await app.RunJobAsync<ProviderOptOutJob>(j => j.RunAsync(messageId, CancellationToken.None));
        Assert.Single(await app.HistoryAsync(contactId));
    }

    [Fact]
    public async Task SmsStatusCallbackWith21610_RecordsAnSmsOptOut()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "hello");
        var sid = $"SM{Guid.NewGuid():N}";
        var messageId = await SentReplyAsync(contactId, TwilioMessagesPath, $$"""{ "sid": "{{sid}}", "status": "queued" }""");

        await app.CreateClient().PostTwilioAsync($"/webhooks/sms/status?messageId={messageId}", SmsPayloads.Status(sid, "undelivered", "21610"),
            app.Secrets.TwilioAuthToken);

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        Assert.Equal(ConsentSource.ProviderError, state.Source);
        Assert.Equal(messageId, Assert.Single(await app.HistoryAsync(contactId)).MessageId);
    }

    [Fact]
    public async Task WhatsAppStatusFailedWith131050_RecordsAMarketingOptOut()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var wamid = $"wamid.{Guid.NewGuid():N}";
        var messageId = await SentReplyAsync(contactId, "/messages", $$"""{ "messages": [{ "id": "{{wamid}}" }] }""");

        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "failed", app.Clock.GetUtcNow(), phone.TrimStart('+'),
            """, "errors": [{ "code": 131050, "title": "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business." }]"""),
            app.Secrets.WhatsAppAppSecret);

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);
        Assert.Equal(ConsentSource.ProviderError, state.Source);
        Assert.StartsWith("131050: Unable to deliver", Assert.Single(await app.HistoryAsync(contactId)).Detail);
        Assert.Equal([SendPurpose.Conversation, SendPurpose.Transactional, SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.WhatsApp));
    }

    [Fact]
    public async Task OtherFailures_RecordNothing()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond("/messages", FakeResponse.Json(
            """{ "error": { "message": "Message undeliverable", "code": 131026 } }""", 400));
        var messageId = await admin.AgentRepliesAsync(contactId, "are you there?");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        await app.RunJobAsync<ProviderOptOutJob>(j => j.RunAsync(messageId, CancellationToken.None));

        Assert.Empty(await app.HistoryAsync(contactId));
        Assert.True((await app.PolicyAsync(contactId, ChannelKind.WhatsApp, SendPurpose.Marketing)).IsAllowed);
    }

    /// <summary>An agent's reply the provider took (answering <paramref name="providerAnswer"/>): its status comes later.</summary>
    private async Task<Guid> SentReplyAsync(Guid contactId, string providerPath, string providerAnswer)
    {
        var admin = await app.CreateAdminClientAsync();
        app.Provider.Respond(providerPath, FakeResponse.Json(providerAnswer, 201));
        var messageId = await admin.AgentRepliesAsync(contactId, "20% off this week!");
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);
        return messageId;
    }
}
