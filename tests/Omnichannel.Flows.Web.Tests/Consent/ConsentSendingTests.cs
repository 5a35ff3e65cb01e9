using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Consent;

/// <summary>Opt-outs are honoured where messages leave: before queueing, and again just before the provider call.</summary>
public sealed class ConsentSendingTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task ReplyToACustomerWhoTextedStop_Is409OptedOut_AndNothingIsQueued()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "what time do you open?");
        await app.CustomerTextsAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages", new { channel = "sms", text = "We open at 9." });
        var channels = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/channels");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("opted_out", problem.GetProperty("code").GetString());
        Assert.Contains("opted out", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var items = channels.GetProperty("items").EnumerateArray().ToList();
        Assert.True(items.Single(c => c.GetProperty("channel").GetString() == "sms").GetProperty("optedOut").GetBoolean());
        Assert.False(items.Single(c => c.GetProperty("channel").GetString() == "whatsapp").GetProperty("optedOut").GetBoolean());
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Origin == MessageOrigin.Agent));
    }

    [Fact]
    public async Task MessageStillQueuedWhenTheCustomerOptsOut_FailsAsOptedOut_AndNeverReachesTheProvider()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerTextsAsync(phone, "hi");
        Guid messageId;
        await using (var db = await app.CreateDbContextAsync())
        {
            var identity = await db.ChannelIdentities.SingleAsync(i => i.ContactId == contactId && i.Channel == ChannelKind.Sms);
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var queued = new Message
            {
                ContactId = contactId, Channel = ChannelKind.Sms, ChannelIdentityId = identity.Id, Direction = MessageDirection.Outbound,
                Origin = MessageOrigin.Automation, Text = "Your reminder (queued before the STOP)", SentAt = now, CreatedAt = now,
                Status = DeliveryStatus.Queued, StatusAt = now,
            };
            db.Messages.Add(queued);
            await db.SaveChangesAsync();
            messageId = queued.Id;
        }

        await app.CustomerTextsAsync(phone, "STOP");
        await app.WaitForConsentAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OutboundDispatchJob>().RunAsync(messageId, CancellationToken.None);
        }

        await using var check = await app.CreateDbContextAsync();
        var message = await check.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(OutboundDispatchJob.OptedOutCode, message.ErrorCode);
        Assert.DoesNotContain(app.Provider.Requests, r => r.Body.Contains("queued before the STOP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MarketingOptOutOnWhatsApp_BlocksMarketingTemplates_ButNotUtilityOnes()
    {
        var marketing = await app.TemplateAsync("{{1}}, new arrivals are in!", TemplateCategory.Marketing);
        var utility = await app.TemplateAsync("{{1}}, your order has shipped.", TemplateCategory.Utility);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi", app.Clock.GetUtcNow().AddDays(-2));
        var admin = await app.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent",
            new { channel = "whatsapp", scope = "marketing", optedIn = false, note = "Asked on the phone not to get offers." })).EnsureSuccessStatusCode();
        app.Provider.AcceptWhatsAppSends();

        var blocked = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages",
            new { template = new { name = marketing.Name, language = "en_US", parameters = new[] { "Anna" } } });
        var allowed = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages",
            new { template = new { name = utility.Name, language = "en_US", parameters = new[] { "Anna" } } });

        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal("opted_out", (await blocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
    }
}
