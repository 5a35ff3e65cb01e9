using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

public sealed class SmsKeywordTests : IClassFixture<ConsentAppFactory>
{
    private const string MessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";
    private readonly ConsentAppFactory app;

    public SmsKeywordTests(ConsentAppFactory app)
    {
        this.app = app;
        app.Provider.AcceptSmsSends();
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData("  Stop  ")]
    [InlineData("STOP!")]
    [InlineData("stop !!")]
    [InlineData("StopAll")]
    [InlineData("unsubscribe.")]
    [InlineData("Cancel")]
    [InlineData("END")]
    [InlineData("quit!")]
    [InlineData("OptOut")]
    [InlineData("\trevoke\n")]
    [InlineData("Stopp")]
    public async Task OptOutKeyword_OptsTheProfileOutOfSms(string text)
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), text);

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        Assert.Equal(ConsentSource.Keyword, state.Source);
        var change = Assert.Single(await app.HistoryAsync(contactId));
        Assert.Equal(text, change.Detail);
        Assert.NotNull(change.MessageId);
    }

    [Fact]
    public async Task Stop_IsConfirmedOnce_AndThenNothingButSystemMessagesPassThePolicy()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "STOP");

        var confirmation = await app.WaitForSystemAnswerAsync(contactId);

        Assert.Equal(ConsentOptions.DefaultOptOutConfirmation, confirmation.Text);
        Assert.Equal(ChannelKind.Sms, confirmation.Channel);
        Assert.Equal(DeliveryStatus.Sent, confirmation.Status);
        var sent = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(confirmation.Id.ToString(), StringComparison.Ordinal));
        var form = QueryHelpers.ParseQuery(sent.Body);
        Assert.Equal(phone, form["To"]);
        Assert.Equal(ConsentOptions.DefaultOptOutConfirmation, form["Body"]);
        Assert.Equal([SendPurpose.System], await app.AllowedPurposesAsync(contactId, ChannelKind.Sms));
        // Other channels are the customer's other consents.
        Assert.True((await app.PolicyAsync(contactId, ChannelKind.WhatsApp, SendPurpose.Marketing)).IsAllowed);

        // Running the confirmation again (a retried job) sends nothing more.
        var change = Assert.Single(await app.HistoryAsync(contactId));
        await app.RunJobAsync<ConsentReplyJob>(j => j.ConfirmOptOutAsync(change.Id, CancellationToken.None));
        Assert.Single(await app.SystemMessagesAsync(contactId));
    }

    [Fact]
    public async Task Stop_WhenBlocked_SaysWhyToWhoeverAsks()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "stop");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        var decision = await app.PolicyAsync(contactId, ChannelKind.Sms, SendPurpose.Conversation);

        Assert.False(decision.IsAllowed);
        Assert.Equal(ConsentScope.All, decision.OptedOutOf);
        Assert.Equal(ConsentSource.Keyword, decision.Source);
        Assert.StartsWith("The customer opted out of all messages on SMS (keyword, ", decision.Reason);
    }

    [Fact]
    public async Task Start_AfterStop_OptsBackIn()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        await app.CustomerTextsAsync(phone, "Start");

        var state = await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: true);
        Assert.Equal(ConsentSource.Keyword, state.Source);
        Assert.Equal([false, true], (await app.HistoryAsync(contactId)).OrderBy(c => c.OccurredAt).Select(c => c.OptedIn));
        Assert.Equal(Enum.GetValues<SendPurpose>(), await app.AllowedPurposesAsync(contactId, ChannelKind.Sms));
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("unstop")]
    [InlineData("Anmelden!")]
    public async Task OptInKeyword_AfterStop_OptsBackIn(string text)
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        await app.CustomerTextsAsync(phone, text);

        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: true);
    }

    [Fact]
    public async Task Yes_FromSomeoneNeverOptedOut_IsJustAnAnswer()
    {
        var phone = TestData.NewGermanMobile();
        await app.CustomerTextsAsync(phone, "Did my parcel ship?");

        var contactId = await app.CustomerTextsAsync(phone, "Yes");

        Assert.Empty(await app.HistoryAsync(contactId));
        Assert.Equal(Enum.GetValues<SendPurpose>(), await app.AllowedPurposesAsync(contactId, ChannelKind.Sms));
    }

    [Theory]
    [InlineData("please stop calling me")]
    [InlineData("Stop sending me offers, and where is my order?")]
    [InlineData("STOP STOP")]
    [InlineData("arrête")]
    [InlineData("BAJA")]
    [InlineData("help me with my order")]
    public async Task NotAWholeMessageKeyword_IsAMessageForAnAgent(string text)
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, text);
        // A keyword after it is recognised: once its opt-out is in, the first message's handling is long done.
        await app.CustomerTextsAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        var change = Assert.Single(await app.HistoryAsync(contactId));
        Assert.Equal("STOP", change.Detail);
    }

    [Fact]
    public async Task Help_IsAnsweredOnceWithTheConfiguredText_AndChangesNoConsent()
    {
        var phone = TestData.NewGermanMobile();
        var sid = $"SM{Guid.NewGuid():N}";
        var form = SmsPayloads.Message(phone, sid, "Help");
        await app.CreateClient().PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();
        var asked = await app.EventuallyAsync(db => db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ExternalId == sid));

        var answer = await app.WaitForSystemAnswerAsync(asked.ContactId);
        // Twilio retries the same delivery, a job may run twice: still one answer.
        await app.CreateClient().PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();
        await app.RunJobAsync<ConsentReplyJob>(j => j.AnswerHelpAsync(asked.Id, CancellationToken.None));

        Assert.Equal(ConsentAppFactory.HelpText, answer.Text);
        Assert.Equal(answer.Id, Assert.Single(await app.SystemMessagesAsync(asked.ContactId)).Id);
        var sent = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(answer.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(ConsentAppFactory.HelpText, QueryHelpers.ParseQuery(sent.Body)["Body"]);
        Assert.Equal(phone, QueryHelpers.ParseQuery(sent.Body)["To"]);
        Assert.Empty(await app.HistoryAsync(asked.ContactId));
    }

    [Fact]
    public async Task Info_IsAnsweredWithTheHelpText()
    {
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "info");

        var answer = await app.WaitForSystemAnswerAsync(contactId);

        Assert.Equal(ConsentAppFactory.HelpText, answer.Text);
    }
}
