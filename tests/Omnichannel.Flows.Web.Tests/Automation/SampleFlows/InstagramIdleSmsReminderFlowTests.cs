using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.SampleFlows;

/// <summary>
/// flows/instagram-idle-sms-reminder.json run by the engine over the real platform: 24 h after the customer's last
/// Instagram message (the fake clock moved on), started as hosting starts a <c>trigger.conversationIdle</c> flow.
/// </summary>
public sealed class InstagramIdleSmsReminderFlowTests : IClassFixture<ActivityAppFactory>
{
    private const string TwilioMessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";
    private readonly ActivityAppFactory app;
    private readonly Engine.Definitions.FlowDefinition flow;

    public InstagramIdleSmsReminderFlowTests(ActivityAppFactory app)
    {
        this.app = app;
        flow = app.PublishSample("instagram-idle-sms-reminder.json");
        app.Provider.AcceptSmsSends();
    }

    [Fact]
    public async Task Trigger_IsIdleForTwentyFourHours_OnInstagramOnly()
    {
        var compiled = await app.Services.GetRequiredService<CompiledFlowCache>().GetAsync(flow.Id, flow.Version, CancellationToken.None);

        var trigger = Assert.Single(compiled.Triggers);
        Assert.Equal("trigger.conversationIdle", trigger.Descriptor.Type);
        Assert.Equal(TimeSpan.FromHours(24), trigger.Input<TimeSpan>("duration"));
        Assert.Equal("""["instagram"]""", trigger.Input<JsonElement>("channels").GetRawText());
    }

    [Fact]
    public async Task WithAPhone_TheCustomerGetsAnSmsAboutTheirQuestion()
    {
        var contactId = await app.CustomerWritesOnInstagramAsync("Do you have the green jacket in XL?");
        await app.SetFirstNameAsync(contactId, "Lea");
        var phone = TestData.NewGermanMobile();
        await app.AddVerifiedPhoneAsync(contactId, phone);
        app.Clock.Advance(TimeSpan.FromHours(24));

        var instance = await StartIdleAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        await using var db = await app.CreateDbContextAsync();
        var sms = await db.Messages.AsNoTracking().SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound);
        Assert.Equal(ChannelKind.Sms, sms.Channel);
        Assert.Equal(MessageOrigin.Automation, sms.Origin);
        var request = await app.Provider.WaitForRequestAsync(r => r.Path == TwilioMessagesPath && r.Body.Contains(sms.Id.ToString(), StringComparison.Ordinal));
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal(phone, form["To"]);
        Assert.StartsWith("Hi Lea, you asked us on Instagram: \"Do you have the green jacket in XL?\".", form["Body"].ToString(), StringComparison.Ordinal);
        Assert.Empty(await app.TagsAsync(contactId));
    }

    [Fact]
    public async Task WithoutAPhone_TheContactIsTaggedForAFollowUp_AndNothingIsSent()
    {
        var contactId = await app.CustomerWritesOnInstagramAsync("How long does shipping take?");
        app.Clock.Advance(TimeSpan.FromHours(24));

        var instance = await StartIdleAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        Assert.Equal(["needs-follow-up"], await app.TagsAsync(contactId));
        Assert.Equal([("tag.added", "needs-follow-up", true)], await app.TagEventsAsync(contactId));
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }

    [Fact]
    public async Task WithAPhoneThatOptedOutOfSms_TheContactIsTaggedInstead()
    {
        var contactId = await app.CustomerWritesOnInstagramAsync("Is the store open on Sunday?");
        await app.AddVerifiedPhoneAsync(contactId, TestData.NewGermanMobile());
        using (var admin = await app.CreateAdminClientAsync())
        {
            (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent", new { channel = "sms", scope = "all", optedIn = false }))
                .EnsureSuccessStatusCode();
        }

        app.Clock.Advance(TimeSpan.FromHours(24));

        var instance = await StartIdleAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        var sms = Assert.Single(app.StepsOf(instance.Id, "sms-reminder"));
        Assert.Equal(("failed", "opted_out"), (sms.Port, sms.Recorded("refusal")));
        Assert.Equal(["needs-follow-up"], await app.TagsAsync(contactId));
    }

    /// <summary>Starts the flow as hosting does when the idle time is up: the time trigger's payload, facts read now.</summary>
    private async Task<FlowInstance> StartIdleAsync(Guid contactId)
    {
        var conversation = await app.ConversationAsync(contactId);
        var payload = JsonSerializer.SerializeToElement(new
        {
            channel = conversation.LastCustomerChannel?.ToName(),
            lastCustomerMessageAt = conversation.LastCustomerMessageAt,
        });
        var started = await app.StartAsync(flow, contactId, payload, $"idle:{contactId}:{conversation.LastCustomerMessageAt:O}");
        return started.Instance ?? throw new InvalidOperationException($"Not started: {started.Outcome}.");
    }
}
