using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>What a restart finds in the outbox: queued sends go out, interrupted ones are never resent blindly.</summary>
public sealed class OutboxRecoveryTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task AfterACrash_QueuedSendsGoOut_AndInterruptedSendsBecomeUnknownNotResent()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Guid queuedId, interruptedId;
        await using (var db = await app.CreateDbContextAsync())
        {
            // As a crash leaves them: one never picked up, one cut off during the provider call three minutes ago.
            var identity = await db.ChannelIdentities.SingleAsync(i => i.ContactId == contactId);
            var queued = OutboundRow(contactId, identity.Id, "left in the queue", DeliveryStatus.Queued, now);
            var interrupted = OutboundRow(contactId, identity.Id, "cut off mid-call", DeliveryStatus.Sending, now.AddMinutes(-3));
            db.Messages.AddRange(queued, interrupted);
            await db.SaveChangesAsync();
            (queuedId, interruptedId) = (queued.Id, interrupted.Id);
        }

        app.Provider.Respond("/messages", FakeResponse.Json("""{ "messages": [{ "id": "wamid.RECOVERED" }] }"""));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OutboxRecovery>().RecoverAsync(onStart: true, CancellationToken.None);
        }

        var sent = await app.WaitForMessageAsync(queuedId, m => m.Status == DeliveryStatus.Sent);
        Assert.Equal("wamid.RECOVERED", sent.ExternalId);
        await using var check = await app.CreateDbContextAsync();
        var unknown = await check.Messages.SingleAsync(m => m.Id == interruptedId);
        Assert.Equal(DeliveryStatus.Unknown, unknown.Status);
        Assert.DoesNotContain(app.Provider.Requests, r => r.Body.Contains("cut off mid-call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownSend_IsReconciledByTheStatusWebhookThroughOurCorrelationId()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        Guid messageId;
        await using (var db = await app.CreateDbContextAsync())
        {
            var identity = await db.ChannelIdentities.SingleAsync(i => i.ContactId == contactId);
            var message = OutboundRow(contactId, identity.Id, "did it leave?", DeliveryStatus.Unknown, app.Clock.GetUtcNow().UtcDateTime);
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            messageId = message.Id;
        }

        var wamid = $"wamid.{Guid.NewGuid():N}";
        await app.CreateClient().PostMetaAsync("/webhooks/whatsapp",
            WhatsAppPayloads.Status(wamid, "delivered", app.Clock.GetUtcNow(), phone.TrimStart('+'), $", \"biz_opaque_callback_data\": \"{messageId}\""),
            app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var check = await app.CreateDbContextAsync();
        var reconciled = await check.Messages.SingleAsync(m => m.Id == messageId);
        Assert.Equal(DeliveryStatus.Delivered, reconciled.Status);
        Assert.Equal(wamid, reconciled.ExternalId);
    }

    [Fact]
    public async Task RawDeliveries_AreDeletedAfterTheRetention_PendingOnesAreKept()
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var old = Delivery(now.AddDays(-31), InboundEventState.Processed);
        var oldPending = Delivery(now.AddDays(-31), InboundEventState.Pending);
        var recent = Delivery(now.AddDays(-29), InboundEventState.Processed);
        await using (var db = await app.CreateDbContextAsync())
        {
            db.InboundEvents.AddRange(old, oldPending, recent);
            await db.SaveChangesAsync();
            // A delivery that failed once and waits for its retry: the processor leaves it alone until then.
            await db.InboundEvents.Where(e => e.Id == oldPending.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedUntil, now.AddDays(1)).SetProperty(e => e.Attempts, 1));
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InboundEventRetention>().PurgeAsync(CancellationToken.None);
        }

        await using var check = await app.CreateDbContextAsync();
        Assert.False(await check.InboundEvents.AnyAsync(e => e.Id == old.Id));
        Assert.True(await check.InboundEvents.AnyAsync(e => e.Id == oldPending.Id));
        Assert.True(await check.InboundEvents.AnyAsync(e => e.Id == recent.Id));
    }

    private static Message OutboundRow(Guid contactId, Guid identityId, string text, DeliveryStatus status, DateTime at) => new()
    {
        ContactId = contactId,
        ChannelIdentityId = identityId,
        Channel = ChannelKind.WhatsApp,
        Direction = MessageDirection.Outbound,
        Origin = MessageOrigin.Agent,
        Text = text,
        SentAt = at,
        CreatedAt = at,
        Status = status,
        StatusAt = at,
    };

    private static InboundEvent Delivery(DateTime receivedAt, InboundEventState state) => new()
    {
        Channel = ChannelKind.WhatsApp,
        DedupeKey = Guid.NewGuid().ToString("N"),
        Payload = "{}"u8.ToArray(),
        ReceivedAt = receivedAt,
        State = state,
    };
}
