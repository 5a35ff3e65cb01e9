using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Automation.Scenarios;

/// <summary>
/// The three shipped flows, imported through the API as an admin would, started by the real webhook path and the
/// timer pump on the fake clock: what the customer receives, when, and how many times.
/// </summary>
public sealed class InstagramIdleReminderScenarioTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task IdleForTwentyFourHours_TheCustomerGetsExactlyOneSms()
    {
        app.Provider.AcceptSmsSends();
        await app.ImportSampleAsync("instagram-idle-sms-reminder.json");
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnInstagramAsync("Do you have the green jacket in XL?");
        await app.AddVerifiedPhoneAsync(contactId, phone);
        await app.WaitForEventsDispatchedAsync(contactId);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(23));
        Assert.Empty(app.Provider.SmsSentTo(phone));

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var sms = await app.Provider.WaitForRequestAsync(r => r.Path == FakeProviderServer.TwilioMessagesPath && r.Body.Contains(Uri.EscapeDataString(phone), StringComparison.Ordinal));
        Assert.Contains("green jacket", Uri.UnescapeDataString(sms.Body.Replace('+', ' ')), StringComparison.Ordinal);

        // Its own send does not re-arm the idle trigger: two more idle days, still one SMS.
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(48));
        await app.WaitForEventsDispatchedAsync(contactId);
        Assert.Single(app.Provider.SmsSentTo(phone));
    }
}

public sealed class WhatsAppWindowCloseScenarioTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task AtHourTwentyFive_AnUnansweredCustomerGetsTheTemplate_NotFreeText_Once()
    {
        app.Provider.AcceptWhatsAppSends();
        await app.TemplateAsync("Hi {{1}}, we have an update on your request. Reply to this message and we will continue here.",
            TemplateCategory.Utility, name: "order_update");
        await app.ImportSampleAsync("whatsapp-window-close-utility-template.json");
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Has my order shipped yet?");
        await app.WaitForEventsDispatchedAsync(contactId);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(50));
        Assert.Empty(app.Provider.WhatsAppSendsTo(phone));

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(10));
        await app.Provider.WaitForRequestAsync(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(24));

        var send = Assert.Single(app.Provider.WhatsAppSendsTo(phone));
        Assert.Equal("template", send.GetProperty("type").GetString());
        Assert.Equal("order_update", send.GetProperty("template").GetProperty("name").GetString());
        // The greeting is the customer's name, or a fallback: never an empty value WhatsApp would refuse.
        var greeting = send.GetProperty("template").GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("text").GetString();
        Assert.False(string.IsNullOrWhiteSpace(greeting));
        Assert.Equal(["window-closed"], await app.TagsAsync(contactId));
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.AsNoTracking().SingleAsync(m => m.ContactId == contactId && m.Direction == Platform.Conversations.MessageDirection.Outbound);
        Assert.Equal(55_000, message.CostEstimateMicros);
    }
}

public sealed class TagBasedAssignmentScenarioTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task NewMessages_AreRoutedByTagAndText_OthersGoRoundTheSupportTeam()
    {
        var (billing, _) = await app.TeamAsync("Billing", members: 1);
        await app.TeamAsync("VIP", members: 1);
        var (_, supportAgents) = await app.TeamAsync("Support", members: 2);
        await app.ImportSampleAsync("tag-based-assignment.json");

        var refund = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I would like a refund for my last order");
        var first = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hello!");
        var second = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hi there");
        foreach (var contactId in new[] { refund, first, second })
        {
            await app.WaitForAsync(async () => await app.ConversationAsync(contactId), c => c.AssignedTeamId is not null || c.AssignedUserId is not null, "the conversation to be assigned");
        }

        Assert.Equal(billing, (await app.ConversationAsync(refund)).AssignedTeamId);
        Assert.Contains("billing", await app.TagsAsync(refund));
        var supportAssignees = new[] { (await app.ConversationAsync(first)).AssignedUserId, (await app.ConversationAsync(second)).AssignedUserId };
        Assert.Equal(supportAgents.Order(), supportAssignees.Order());
    }
}
