using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary><c>message.send</c> run by the engine over the real outbox, service windows, consent and providers.</summary>
public sealed class SendMessageActivityTests : IClassFixture<ActivityAppFactory>
{
    private const string TwilioMessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";
    private readonly ActivityAppFactory app;

    public SendMessageActivityTests(ActivityAppFactory app)
    {
        this.app = app;
        app.Provider.AcceptWhatsAppSends();
        app.Provider.AcceptSmsSends();
        app.Provider.RespondWith(MetaMessagingSteps.SendPath, _ => FakeResponse.Json($$"""{ "recipient_id": "x", "message_id": "m_{{Guid.NewGuid():N}}" }"""));
    }

    [Fact]
    public async Task Text_OnThisChannel_IsRenderedFromLiquid_AndSentOnTheTriggeringChannel()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Where is order 1042?");
        await app.SetFirstNameAsync(contactId, "Zoë");

        var (instance, step) = await app.RunActionAsync(contactId, "message.send",
            new { text = "Hi {{ contact.first_name }}, about \"{{ trigger.text }}\": it ships today." },
            await app.MessageReceivedPayloadAsync(contactId));

        Assert.Equal("sent", step.Port);
        var message = await OutboundAsync(contactId);
        Assert.Equal("Hi Zoë, about \"Where is order 1042?\": it ships today.", message.Text);
        Assert.Equal(ChannelKind.WhatsApp, message.Channel);
        Assert.Equal(MessageOrigin.Automation, message.Origin);
        Assert.Equal($"{instance.Id}:{ActivitySteps.ActionNode}:1:1", message.IdempotencyKey);
        Assert.Equal(message.Id.ToString(), step.Recorded("messageId"));
        var request = await app.Provider.WaitForRequestAsync(r => r.Path.EndsWith(FakeProviderServer.WhatsAppMessagesPath, StringComparison.Ordinal) && r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("text", body.GetProperty("type").GetString());
        Assert.Equal("Hi Zoë, about \"Where is order 1042?\": it ships today.", body.GetProperty("text").GetProperty("body").GetString());
    }

    [Fact]
    public async Task SameStep_RunAgainAfterACrash_QueuesAndSendsOneMessage()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello?");
        var flow = app.Publish(ActivitySteps.OneAction("message.send", new { text = "Only once, please." }));
        app.CrashAfterStepOf = ActivitySteps.ActionNode;

        await Assert.ThrowsAsync<IOException>(() => app.StartAsync(flow, contactId));
        var crashed = app.Store.Instances().Single(i => i.FlowId == flow.Id);
        Assert.Equal(ActivitySteps.ActionNode, crashed.Pending[0].NodeId);
        var continued = await app.ContinueAsync(crashed.Id, contactId);

        Assert.Equal(FlowStatus.Finished, continued!.Status);
        Assert.Equal("sent", Assert.Single(app.StepsOf(crashed.Id, ActivitySteps.ActionNode)).Port);
        var message = await OutboundAsync(contactId);
        await app.WaitForMessageAsync(message.Id, m => m.Status == DeliveryStatus.Sent);
        Assert.Single(app.Provider.Requests, r => r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal) && r.Body.Contains("Only once", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhatsAppWindowClosed_WithAFallbackTemplate_SendsTheTemplateInstead_WithItsCost()
    {
        var template = await app.TemplateAsync("Hi {{1}}, we have news about your question. Reply to continue.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "any news?", app.Clock.GetUtcNow().AddHours(-30));
        await app.SetFirstNameAsync(contactId, "Anna");

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new
        {
            text = "Free text that may no longer go out.",
            channel = "whatsapp",
            fallbackTemplate = template.Name,
            fallbackParameters = new[] { "{{ contact.first_name }}" },
        });

        Assert.Equal("sent", step.Port);
        Assert.StartsWith("the WhatsApp window is closed", step.Recorded("fallback"), StringComparison.Ordinal);
        Assert.Equal("""["Anna"]""", step.Recorded("fallbackParameters"));
        Assert.Equal("0.055 USD (Germany)", step.Recorded("cost"));
        var message = await OutboundAsync(contactId);
        Assert.Equal(MessageKind.Template, message.Kind);
        Assert.Equal(template.Name, message.TemplateName);
        Assert.Equal(55_000, message.CostEstimateMicros);
        Assert.Equal("Hi Anna, we have news about your question. Reply to continue.", message.Text);
        var request = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal) && r.Body.Contains(template.Name, StringComparison.Ordinal));
        Assert.Equal("template", JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task WhatsAppWindowClosed_WithoutAFallback_FailsWithWindowClosed_AndSendsNothing()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", app.Clock.GetUtcNow().AddHours(-25));

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "Too late for free text." });

        Assert.Equal("failed", step.Port);
        Assert.Equal("window_closed", step.Recorded("refusal"));
        Assert.Contains("service window", step.Recorded("detail"), StringComparison.Ordinal);
        await AssertNoOutboundAsync(contactId);
    }

    [Fact]
    public async Task ChannelTheCustomerOptedOutOf_FailsWithOptedOut()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "STOP");

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "We miss you!", channel = "sms" });

        Assert.Equal("failed", step.Port);
        Assert.Equal("opted_out", step.Recorded("refusal"));
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Origin == MessageOrigin.Automation));
    }

    [Fact]
    public async Task ChannelTheCustomerCannotBeReachedOn_FailsAsUnreachable()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "By email?", channel = "email" });

        Assert.Equal("failed", step.Port);
        Assert.Equal("unreachable", step.Recorded("refusal"));
        await AssertNoOutboundAsync(contactId);
    }

    [Fact]
    public async Task Preferred_IsTheChannelTheCustomerLastWroteOn()
    {
        var contactId = await app.CustomerWritesOnInstagramAsync("do you ship to Spain?");
        await app.AddVerifiedPhoneAsync(contactId, TestData.NewGermanMobile());

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "We do!", channel = "preferred" });

        Assert.Equal("sent", step.Port);
        Assert.Equal("instagram", step.Recorded("channel"));
        Assert.Equal(ChannelKind.Instagram, (await OutboundAsync(contactId)).Channel);
    }

    [Fact]
    public async Task Preferred_SkipsTheChannelTheCustomerOptedOutOf_ThenWhatsApp_WithItsFallbackTemplate()
    {
        var template = await app.TemplateAsync("Hello {{1}}, a quick update for you.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "STOP");

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new
        {
            text = "Free text",
            channel = "preferred",
            fallbackTemplate = template.Name,
            fallbackParameters = new[] { "friend" },
        });

        Assert.Equal("sent", step.Port);
        var message = await OutboundAsync(contactId);
        Assert.Equal(ChannelKind.WhatsApp, message.Channel);
        Assert.Equal(MessageKind.Template, message.Kind);
        Assert.Equal("Hello friend, a quick update for you.", message.Text);
    }

    [Fact]
    public async Task TextThatRendersEmpty_Fails()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "{{ contact.fields.nothing_here }}" });

        Assert.Equal("failed", step.Port);
        Assert.Equal("empty_text", step.Recorded("refusal"));
        await AssertNoOutboundAsync(contactId);
    }

    [Fact]
    public async Task Sms_ToANamedChannel_IsPostedToTwilio()
    {
        var contactId = await app.CustomerWritesOnInstagramAsync("can you text me?");
        var phone = TestData.NewGermanMobile();
        await app.AddVerifiedPhoneAsync(contactId, phone);

        var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "Texting you now, {{ contact.phone }}.", channel = "sms" });

        Assert.Equal("sent", step.Port);
        var message = await OutboundAsync(contactId);
        var request = await app.Provider.WaitForRequestAsync(r => r.Path == TwilioMessagesPath && r.Body.Contains(message.Id.ToString(), StringComparison.Ordinal));
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal(phone, form["To"]);
        Assert.Equal($"Texting you now, {phone}.", form["Body"]);
    }

    private async Task<Message> OutboundAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound && m.Origin == MessageOrigin.Automation);
    }

    private async Task AssertNoOutboundAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }
}
