using System.Net.Http.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Consent;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>Sending: back-off, refusals that are never retried, replies, quiet hours, and a restart after a crash.</summary>
public sealed class BroadcastSendingTests(BroadcastAppFactory app) : IClassFixture<BroadcastAppFactory>
{
    private static FakeResponse GraphError(long code, string message, int status = 400) =>
        FakeResponse.Json($$"""{ "error": { "message": "{{message}}", "type": "OAuthException", "code": {{code}} } }""", status);

    [Fact]
    public async Task ThroughputLimit130429_BacksOff_AndTheRecipientIsSentLater_Once()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Hi {{1}}", TemplateCategory.Marketing));
        var (limited, other) = (TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await app.CustomerAsync(new(Phone: limited, Tags: [tag]));
        await app.CustomerAsync(new(Phone: other, Tags: [tag]));
        var refusedOnce = 0;
        app.Provider.AcceptWhatsAppSends(to => to == limited.TrimStart('+') && Interlocked.Increment(ref refusedOnce) == 1
            ? GraphError(130429, "Rate limit hit") : null);
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));

        await admin.StartBroadcastAsync(id);
        var waiting = await app.WaitForBroadcastAsync(id, b => b.WaitingReason == BroadcastWaits.Retrying);
        app.Clock.Advance(waiting.WaitingUntil!.Value - app.Clock.GetUtcNow().UtcDateTime);
        await app.WaitUntilCompletedAsync(id);

        Assert.Equal(2, app.Provider.WhatsAppSendsTo(limited).Count);
        Assert.Single(app.Provider.WhatsAppSendsTo(other));
        var recipient = (await app.RecipientsAsync(id)).Single(r => r.State == RecipientState.Sent && r.Attempts == 2);
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == recipient.Id);
        Assert.Equal((DeliveryStatus.Sent, 2, id), (message.Status, message.Attempts, message.BroadcastId!.Value));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, message.StatusAt);
        Assert.StartsWith("wamid.", message.ExternalId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarketingLimit131049_AndOptedOut131050_AreNeverRetried_AndTheOptOutIsRecordedThroughConsent()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Deals {{1}}", TemplateCategory.Marketing));
        var (limitedPhone, stoppedPhone, laterPhone) = (TestData.NewGermanMobile(), TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await app.CustomerAsync(new(Phone: limitedPhone, Tags: [tag]));
        var stopped = await app.CustomerAsync(new(Phone: stoppedPhone, Tags: [tag]));
        var later = await app.CustomerAsync(new(Phone: laterPhone, Tags: [tag]));
        var laterWamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.AcceptWhatsAppSends(to =>
            to == limitedPhone.TrimStart('+') ? GraphError(131049, "This message was not delivered to maintain healthy ecosystem engagement.")
            : to == stoppedPhone.TrimStart('+') ? GraphError(131050, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages.")
            : to == laterPhone.TrimStart('+') ? FakeResponse.Json($$"""{ "messages": [{ "id": "{{laterWamid}}" }] }""") : null);
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));

        await admin.StartBroadcastAsync(id);
        await app.WaitUntilCompletedAsync(id);
        // 131050 may also come later, in a status webhook: that is an opt-out too.
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(laterWamid, "failed", app.Clock.GetUtcNow(), laterPhone.TrimStart('+'),
            """, "errors": [{ "code": 131050, "title": "User has stopped marketing messages" }]"""), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: true, CancellationToken.None);
        }

        var recipients = await app.RecipientsAsync(id);
        Assert.Equal(["131049", "131050"], recipients.Where(r => r.State == RecipientState.Failed).Select(r => r.ErrorCode).Order());
        Assert.Single(app.Provider.WhatsAppSendsTo(limitedPhone));
        Assert.Single(app.Provider.WhatsAppSendsTo(stoppedPhone));
        // Both are marketing opt-outs on WhatsApp now, by the provider's word: later broadcasts leave them out.
        foreach (var contactId in new[] { stopped, later })
        {
            var optOut = await app.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);
            Assert.Equal(ConsentSource.ProviderError, optOut.Source);
        }

        // Both refused sends, and the one that failed later by the webhook's word.
        Assert.Equal(3, (await admin.BroadcastAsync(id)).GetProperty("progress").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task StatusWebhook_BeforeTheSendsAnswer_IsNotUndoneByTheAnswer()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Early {{1}}", TemplateCategory.Marketing));
        var phone = TestData.NewGermanMobile();
        await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        var answer = new TaskCompletionSource();
        var wamid = $"wamid.{Guid.NewGuid():N}";
        app.Provider.AcceptWhatsAppSends(to => to == phone.TrimStart('+')
            ? FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }""") with { Hold = answer.Task } : null);
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));

        await admin.StartBroadcastAsync(id);
        var send = await app.Provider.WaitForRequestAsync(r => r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal));
        var messageId = Guid.Parse(System.Text.Json.JsonDocument.Parse(send.Body).RootElement.GetProperty("biz_opaque_callback_data").GetString()!);
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phone.TrimStart('+'),
            $", \"biz_opaque_callback_data\": \"{messageId}\""), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();
        answer.SetResult();
        await app.WaitUntilCompletedAsync(id);

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal((DeliveryStatus.Delivered, wamid), (message.Status, message.ExternalId));
        Assert.Equal(RecipientState.Sent, (await db.BroadcastRecipients.SingleAsync(r => r.Id == messageId)).State);
    }

    [Fact]
    public async Task Reply_AfterTheBroadcastMessage_CountsTheRecipientAsReplied_InTheirOneThread()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Tell us {{1}}", TemplateCategory.Marketing));
        var (replying, silent, earlier) = (TestData.NewGermanMobile(), TestData.NewGermanMobile(), TestData.NewGermanMobile());
        var admin = await app.CreateAdminClientAsync();
        var replier = await app.CustomerAsync(new(Phone: replying, Tags: [tag]));
        await app.CustomerAsync(new(Phone: silent, Tags: [tag]));
        var wroteBefore = await app.CustomerWritesOnWhatsAppAsync(earlier, "I wrote before the broadcast");
        (await admin.PostAsJsonAsync($"/api/contacts/{wroteBefore}/tags", new { tag })).EnsureSuccessStatusCode();
        app.Provider.AcceptWhatsAppSends();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        await admin.StartBroadcastAsync(id);
        await app.WaitUntilCompletedAsync(id);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.CustomerWritesOnWhatsAppAsync(replying, "Yes please!");

        var progress = (await admin.BroadcastAsync(id)).GetProperty("progress");
        Assert.Equal(3, progress.GetProperty("sent").GetInt32());
        Assert.Equal(1, progress.GetProperty("replied").GetInt32());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal([MessageDirection.Outbound, MessageDirection.Inbound],
            await db.Messages.Where(m => m.ContactId == replier).OrderBy(m => m.SentAt).Select(m => m.Direction).ToListAsync());
    }

    [Fact]
    public async Task QuietHours_RecipientsWhereItIsNight_WaitUntilMorningThere()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Good day {{1}}", TemplateCategory.Marketing));
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var tenPm = now.Date.AddHours(22) > now ? now.Date.AddHours(22) : now.Date.AddDays(1).AddHours(22);
        app.Clock.Advance(tenPm - now);   // 22:00 UTC: night in Berlin, afternoon in New York
        var (newYork, berlin, noZone) = (TestData.NewGermanMobile(), TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await app.CustomerAsync(new(Phone: newYork, Tags: [tag], TimeZone: "America/New_York"));
        await app.CustomerAsync(new(Phone: berlin, Tags: [tag], TimeZone: "Europe/Berlin"));
        await app.CustomerAsync(new(Phone: noZone, Tags: [tag], TimeZone: null));  // the default zone: Europe/Berlin here
        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template, quietHours: new { start = "21:00", end = "08:00" }));

        await admin.StartBroadcastAsync(id);
        var waiting = await app.WaitForBroadcastAsync(id, b => b.WaitingReason == BroadcastWaits.QuietHours);
        var sentAtNight = (app.Provider.WhatsAppSendsTo(newYork).Count, app.Provider.WhatsAppSendsTo(berlin).Count, app.Provider.WhatsAppSendsTo(noZone).Count);
        var view = await admin.BroadcastAsync(id);
        app.Clock.Advance(waiting.WaitingUntil!.Value - app.Clock.GetUtcNow().UtcDateTime);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: false, CancellationToken.None);
        }

        await app.WaitUntilCompletedAsync(id);

        Assert.Equal((1, 0, 0), sentAtNight);
        var morningInBerlin = TimeZoneInfo.ConvertTimeFromUtc(waiting.WaitingUntil.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal(new TimeOnly(8, 0), TimeOnly.FromDateTime(morningInBerlin));
        Assert.Equal("quiet_hours", view.GetProperty("waiting").GetProperty("reason").GetString());
        Assert.Single(app.Provider.WhatsAppSendsTo(berlin));
        Assert.Single(app.Provider.WhatsAppSendsTo(noZone));
    }

    [Fact]
    public async Task Restart_AfterACrash_InterruptedSendsBecomeUnknownAndAreNotResent_TheOthersAreSentOnce()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Crash {{1}}", TemplateCategory.Marketing));
        var phones = Enumerable.Range(0, 6).Select(_ => TestData.NewGermanMobile()).ToList();
        var admin = await app.CreateAdminClientAsync();
        foreach (var phone in phones)
        {
            await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        }

        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));
        // As a process killed mid-send leaves it: two sends under way, one recipient claimed but not sent, three pending;
        // the lease held by an instance that no longer runs.
        var recipients = await CrashedRunAsync(id, template, phones,
            [RecipientState.Sending, RecipientState.Sending, RecipientState.Queued, RecipientState.Pending, RecipientState.Pending, RecipientState.Pending]);
        app.Provider.AcceptWhatsAppSends();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The outbox's own recovery runs on start too: it must leave the broadcast's queued message to the broadcast.
            await scope.ServiceProvider.GetRequiredService<OutboxRecovery>().RecoverAsync(onStart: true, CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: true, CancellationToken.None);
        }

        await app.WaitUntilCompletedAsync(id);

        Assert.DoesNotContain(app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 1000),
            j => j.Value.Job.Type == typeof(OutboundDispatchJob) && j.Value.Job.Args.Contains(recipients[2].Id));
        Assert.Empty(app.Provider.WhatsAppSendsTo(phones[0]));
        Assert.Empty(app.Provider.WhatsAppSendsTo(phones[1]));
        Assert.All(phones[2..], phone => Assert.Single(app.Provider.WhatsAppSendsTo(phone)));
        var states = (await app.RecipientsAsync(id)).ToDictionary(r => r.Id, r => r.State);
        Assert.Equal([RecipientState.Unknown, RecipientState.Unknown], recipients[..2].Select(r => states[r.Id]));
        Assert.All(recipients[2..], r => Assert.Equal(RecipientState.Sent, states[r.Id]));

        // The provider's status webhook carries our message id back: the unknown send is reconciled, not resent.
        var wamid = $"wamid.{Guid.NewGuid():N}";
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phones[0].TrimStart('+'),
            $", \"biz_opaque_callback_data\": \"{recipients[0].Id}\""), app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();
        var progress = (await admin.BroadcastAsync(id)).GetProperty("progress");
        Assert.Equal((1, 5, 1), (progress.GetProperty("unknown").GetInt32(), progress.GetProperty("sent").GetInt32(), progress.GetProperty("delivered").GetInt32()));
    }

    [Fact]
    public async Task OptOut_AfterTheSnapshot_SkipsTheRecipientJustBeforeTheirSend()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Hello {{1}}", TemplateCategory.Marketing));
        var phones = Enumerable.Range(0, 2).Select(_ => TestData.NewGermanMobile()).ToList();
        var contacts = new List<Guid>();
        foreach (var phone in phones)
        {
            contacts.Add(await app.CustomerAsync(new(Phone: phone, Tags: [tag])));
        }

        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));
        await CrashedRunAsync(id, template, phones, [RecipientState.Pending, RecipientState.Pending]);
        await app.OptOutAsync(contacts[0], ChannelKind.WhatsApp);
        app.Provider.AcceptWhatsAppSends();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: true, CancellationToken.None);
        }

        await app.WaitUntilCompletedAsync(id);

        Assert.Empty(app.Provider.WhatsAppSendsTo(phones[0]));
        Assert.Single(app.Provider.WhatsAppSendsTo(phones[1]));
        var skipped = (await app.RecipientsAsync(id)).Single(r => r.ContactId == contacts[0]);
        Assert.Equal((RecipientState.Skipped, SkipReasons.OptedOut), (skipped.State, skipped.SkipReason));
    }

    /// <summary>
    /// The broadcast as a run that died left it: snapshotted, running, its lease held by a dead instance, recipients (one
    /// per phone, in order) in the given states, with their messages where a run would have created them.
    /// </summary>
    private async Task<List<BroadcastRecipient>> CrashedRunAsync(Guid id, MessageTemplate template, List<string> phones, RecipientState[] states)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var deadRun = Guid.NewGuid();
        await using var db = await app.CreateDbContextAsync();
        var broadcast = await db.Broadcasts.SingleAsync(b => b.Id == id);
        (broadcast.State, broadcast.StartedAt, broadcast.SnapshotCompletedAt, broadcast.RecipientCount) = (BroadcastState.Running, now, now, phones.Count);
        (broadcast.LeaseToken, broadcast.LeaseInstance, broadcast.LeaseUntil) = (deadRun, "dead-host:4242:0", now.AddMinutes(10));
        var recipients = new List<BroadcastRecipient>();
        foreach (var (phone, state) in phones.Zip(states))
        {
            var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.WhatsApp && i.ExternalId == phone.TrimStart('+'));
            var details = System.Text.Json.JsonSerializer.Serialize(
                new OutboundTemplate(template.Name, template.Language, [new TemplateParameter("1", "x")]), System.Text.Json.JsonSerializerOptions.Web);
            var recipient = new BroadcastRecipient
            {
                BroadcastId = id, ContactId = identity.ContactId, Channel = ChannelKind.WhatsApp, ChannelIdentityId = identity.Id, TimeZone = "UTC",
                State = state, Text = "Crash x", Details = details, Attempts = state == RecipientState.Sending ? 1 : 0,
                ClaimToken = state is RecipientState.Queued or RecipientState.Sending ? deadRun : null,
                SendingAt = state == RecipientState.Sending ? now : null,
            };
            recipients.Add(recipient);
            if (state is RecipientState.Queued or RecipientState.Sending)
            {
                db.Messages.Add(new Message
                {
                    Id = recipient.Id, BroadcastId = id, ContactId = identity.ContactId, ChannelIdentityId = identity.Id, Channel = ChannelKind.WhatsApp,
                    Direction = MessageDirection.Outbound, Origin = MessageOrigin.Broadcast, Kind = MessageKind.Template, Text = "Crash x", Details = details,
                    TemplateName = template.Name, TemplateLanguage = template.Language, TemplateCategory = template.Category,
                    Status = state == RecipientState.Sending ? DeliveryStatus.Sending : DeliveryStatus.Queued, Attempts = recipient.Attempts,
                    SentAt = now, CreatedAt = now, StatusAt = now,
                });
            }
        }

        db.BroadcastRecipients.AddRange(recipients);
        await db.SaveChangesAsync();
        return recipients;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellation.Token);
        }
    }
}
