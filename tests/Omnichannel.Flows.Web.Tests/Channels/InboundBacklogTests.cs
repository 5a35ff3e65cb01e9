using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Tests.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>
/// A backlog of customer messages is recorded many to one save (<see cref="InboundEventProcessor"/> with
/// <c>InboundLookahead</c>): the messages of one batch must find what the earlier ones created, and one that fails must
/// not take the others with it. The deliveries are stored straight into the table and processed by one call, so they
/// are claimed together; the pump polls once an hour here and is not woken.
/// </summary>
public sealed class InboundBacklogTests(HeldInboundAppFactory app) : IClassFixture<HeldInboundAppFactory>
{
    [Fact]
    public async Task MessagesFromANewSender_ClaimedTogether_MakeOneProfileAndOneThread_WithoutFallingBack()
    {
        var chat = TelegramPayloads.NewUserId();
        var now = WholeSecondsNow();
        await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "hello"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddSeconds(1), "are you there?"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddSeconds(2), "third"));

        await ProcessAsync();

        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.Telegram && i.ExternalId == Id(chat));
        Assert.Equal(3, await db.Messages.CountAsync(m => m.ContactId == identity.ContactId));
        var conversation = await db.Conversations.SingleAsync(c => c.ContactId == identity.ContactId);
        Assert.Equal(now.AddSeconds(2).UtcDateTime, conversation.LastCustomerMessageAt);
        Assert.Equal(now.AddSeconds(2).UtcDateTime, identity.LastInboundAt);
        var events = await db.AutomationEvents.Where(e => e.ContactId == identity.ContactId).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            [AutomationEventTypes.ContactCreated, AutomationEventTypes.MessageReceived, AutomationEventTypes.MessageReceived, AutomationEventTypes.MessageReceived],
            events.Select(e => e.Type));
        Assert.Equal([true, false, false], events.Skip(1).Select(e => e.Payload!.Contains("\"firstMessage\":true", StringComparison.Ordinal)));
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task MessagesFromAKnownSender_ClaimedTogether_JoinTheirProfileAndThread()
    {
        var chat = TelegramPayloads.NewUserId();
        var now = WholeSecondsNow();
        await StoreAsync(TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "first"));
        await ProcessAsync();

        await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(2), "later, second"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(1), "later, first (arrived late)"));
        await ProcessAsync();

        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.Telegram && i.ExternalId == Id(chat));
        Assert.Equal(3, await db.Messages.CountAsync(m => m.ContactId == identity.ContactId));
        Assert.Equal(1, await db.Conversations.CountAsync(c => c.ContactId == identity.ContactId));
        Assert.Equal(now.AddMinutes(2).UtcDateTime, identity.LastInboundAt);
        Assert.Single(await db.AutomationEvents.Where(e => e.ContactId == identity.ContactId && e.Type == AutomationEventTypes.ContactCreated).ToListAsync());
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task TheSameMessageTwice_ClaimedTogether_IsStoredOnce()
    {
        var chat = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();
        var now = WholeSecondsNow();
        // Two updates (different update_id, so two deliveries) carrying the same message.
        await StoreAsync(TelegramPayloads.Text(chat, messageId, now, "once"), TelegramPayloads.Text(chat, messageId, now, "once"));

        await ProcessAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.Channel == ChannelKind.Telegram && m.ExternalId == $"{chat}:{messageId}"));
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task ADeliveryThatFails_AmongOthersClaimedTogether_IsRolledBackAlone()
    {
        var (chat, other) = (TelegramPayloads.NewUserId(), TelegramPayloads.NewUserId());
        var now = WholeSecondsNow();
        var poisoned = await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "before the poison"),
            TelegramPayloads.Text(TelegramPayloads.NewUserId(), TelegramPayloads.NewMessageId(), now, PoisonedTelegramAppFactory.Poison),
            TelegramPayloads.Text(other, TelegramPayloads.NewMessageId(), now, "after the poison"));

        await ProcessAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.Messages.AnyAsync(m => m.Text == "before the poison"));
        Assert.True(await db.Messages.AnyAsync(m => m.Text == "after the poison"));
        var failed = await db.InboundEvents.SingleAsync(e => e.Id == poisoned[1]);
        Assert.Equal((InboundEventState.Pending, 1), (failed.State, failed.Attempts));
        Assert.NotNull(failed.Error);
        Assert.Equal(2, await db.InboundEvents.CountAsync(e => poisoned.Contains(e.Id) && e.State == InboundEventState.Processed));
        Assert.Single(FallBacks());
    }

    [Fact]
    public async Task AConversationResolved_WhileItsNewMessagesWereRead_IsReopenedByThem()
    {
        var chat = TelegramPayloads.NewUserId();
        var now = WholeSecondsNow();
        await StoreAsync(TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "first"));
        await ProcessAsync();
        var contactId = await ContactOfAsync(chat);

        await StoreAsync(TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(1), "one more question"));
        // An agent resolves the thread after the processor read it, before the processor's write turn.
        app.BeforeNextTransaction.Arm(async () =>
        {
            await using var db = await app.CreateDbContextAsync();
            await db.Conversations.Where(c => c.ContactId == contactId).ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Status, ConversationStatus.Resolved)
                .SetProperty(c => c.ResolvedAt, app.Clock.GetUtcNow().UtcDateTime));
        });
        await ProcessAsync();

        Assert.False(app.BeforeNextTransaction.IsArmed);
        await using var check = await app.CreateDbContextAsync();
        var conversation = await check.Conversations.SingleAsync(c => c.ContactId == contactId);
        Assert.Equal((ConversationStatus.Open, (DateTime?)null), (conversation.Status, conversation.ResolvedAt));
        Assert.Equal(now.AddMinutes(1).UtcDateTime, conversation.LastCustomerMessageAt);
        Assert.Equal(2, await check.Messages.CountAsync(m => m.ContactId == contactId));
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task AProfileMerged_WhileItsNewMessagesWereRead_TheyJoinTheSurvivingProfile()
    {
        var (chat, other) = (TelegramPayloads.NewUserId(), TelegramPayloads.NewUserId());
        var now = WholeSecondsNow();
        await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "from the profile merged away"),
            TelegramPayloads.Text(other, TelegramPayloads.NewMessageId(), now, "from the profile kept"));
        await ProcessAsync();
        var (mergedAway, kept) = (await ContactOfAsync(chat), await ContactOfAsync(other));

        await StoreAsync(TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(1), "written during the merge"));
        app.BeforeNextTransaction.Arm(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var merged = await scope.ServiceProvider.GetRequiredService<ContactMerger>().MergeAsync(kept, mergedAway, null, "test", CancellationToken.None);
            Assert.True(merged.Moves is not null, merged.Problem);
        });
        await ProcessAsync();

        Assert.False(app.BeforeNextTransaction.IsArmed);
        await using var db = await app.CreateDbContextAsync();
        var written = await db.Messages.SingleAsync(m => m.Text == "written during the merge");
        Assert.Equal(kept, written.ContactId);
        Assert.Equal(kept, await ContactOfAsync(chat));
        Assert.Equal(now.AddMinutes(1).UtcDateTime, (await db.Conversations.SingleAsync(c => c.ContactId == kept)).LastCustomerMessageAt);
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task AConsentKeyword_AmongMessagesClaimedTogether_IsSavedWithThemInTheWriteTurn()
    {
        var phone = TestData.NewGermanMobile().TrimStart('+');
        var now = WholeSecondsNow();
        await StoreAsync(ChannelKind.WhatsApp,
            WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now, "hello"),
            WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now.AddSeconds(1), "STOP"));
        // Whether the first transaction the processing opens (the consent save, or the slice's) holds the write turn.
        var gate = app.Services.GetRequiredService<DatabaseWriteGate>();
        bool? inTurn = null;
        app.BeforeNextTransaction.Arm(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                using (await gate.EnterAsync(timeout.Token))
                {
                    inTurn = false;
                }
            }
            catch (OperationCanceledException)
            {
                inTurn = true;
            }
        });

        await ProcessAsync();

        Assert.True(inTurn);
        await using var db = await app.CreateDbContextAsync();
        var contactId = await db.ContactPhones.Where(p => p.Number == "+" + phone).Select(p => p.ContactId).SingleAsync();
        // Inbound only: the opt-out's confirmation is a job of its own and may already have been sent.
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Inbound));
        Assert.True(await db.ContactConsents.AnyAsync(c => c.ContactId == contactId && c.Channel == ChannelKind.WhatsApp && !c.OptedIn));
        Assert.Empty(FallBacks());
    }

    [Fact]
    public async Task MessagesFromNewWhatsAppSenders_ClaimedTogether_AskWhoOwnsEachPhoneOnce_AndStartTheirThreadsWithoutLookingThemUp()
    {
        string[] phones = [.. Enumerable.Range(0, 6).Select(_ => TestData.NewGermanMobile().TrimStart('+'))];
        var now = WholeSecondsNow();
        await StoreAsync(ChannelKind.WhatsApp, [.. phones.Select((phone, index) => WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now.AddSeconds(index), "hi"))]);

        using (app.Commands.Record())
        {
            await ProcessAsync();
        }

        // One look for the phone's verified owner per sender (none: each is new), none for a thread, one save.
        Assert.Equal(phones.Length, app.Commands.Recorded.Count(sql => Reads(sql, "ContactPhones")));
        Assert.DoesNotContain(app.Commands.Recorded, sql => Reads(sql, "Conversations"));
        await using var db = await app.CreateDbContextAsync();
        foreach (var phone in phones)
        {
            var contactId = await db.ContactPhones.Where(p => p.Number == "+" + phone && p.Verified).Select(p => p.ContactId).SingleAsync();
            Assert.Equal(1, await db.Conversations.CountAsync(c => c.ContactId == contactId && c.Status == ConversationStatus.Open));
            Assert.Equal(1, await db.Messages.CountAsync(m => m.ContactId == contactId));
        }

        Assert.Empty(FallBacks());

        static bool Reads(string sql, string table) =>
            sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal) && sql.Contains($"FROM \"{table}\"", StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnownWhatsAppSenderWritingAgain_IsRecordedWithoutLoadingTheProfile_AsTheTrackedWayWould()
    {
        var phone = TestData.NewGermanMobile().TrimStart('+');
        var now = WholeSecondsNow();
        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now, "hello", name: "Anna Example"));
        await ProcessAsync();
        var contactId = await ContactOfPhoneAsync(phone);
        await ResolveThreadAsync(contactId);

        // The later message first (deliveries arrive out of order), under a new profile name, from an ad (a free entry point).
        var (later, earlier) = ($"wamid.{Guid.NewGuid():N}", $"wamid.{Guid.NewGuid():N}");
        var deliveries = await StoreAsync(ChannelKind.WhatsApp,
            WhatsAppPayloads.Message(phone, later, now.AddMinutes(2), """
                "type": "text", "text": { "body": "from the ad" }, "referral": { "source_type": "ad", "source_id": "ad-1" }
                """, name: "Anna B."),
            WhatsAppPayloads.Text(phone, earlier, now.AddMinutes(1), "written before, arrived after", name: "Anna B."));
        using (app.Commands.Record())
        {
            await ProcessAsync();
        }

        // The tracked way loads the profile with its phones, emails and identities; the plain way reads only verified phones.
        Assert.DoesNotContain(app.Commands.Recorded, sql => sql.Contains("\"ContactEmails\"", StringComparison.Ordinal));
        Assert.Empty(FallBacks());
        var recordedAt = app.Clock.GetUtcNow().UtcDateTime;
        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.WhatsApp && i.ExternalId == phone);
        Assert.Equal((contactId, "Anna B.", recordedAt), (identity.ContactId, identity.DisplayName, identity.LastSeenAt));
        Assert.Equal((now.AddMinutes(2).UtcDateTime, true), (identity.LastInboundAt, identity.LastInboundFromFreeEntryPoint));
        var thread = await db.Conversations.SingleAsync(c => c.ContactId == contactId);
        Assert.Equal((ConversationStatus.Open, (DateTime?)null, recordedAt), (thread.Status, thread.ResolvedAt, thread.UpdatedAt));
        Assert.Equal((now.AddMinutes(2).UtcDateTime, now.AddMinutes(2).UtcDateTime, ChannelKind.WhatsApp),
            (thread.LastMessageAt, thread.LastCustomerMessageAt, thread.LastCustomerChannel));
        Assert.Equal("Anna Example", (await db.Contacts.SingleAsync(c => c.Id == contactId)).DisplayName);

        var messages = await db.Messages.Where(m => m.ContactId == contactId && m.Direction == MessageDirection.Inbound).OrderBy(m => m.SentAt).ToListAsync();
        Assert.Equal(["hello", "written before, arrived after", "from the ad"], messages.Select(m => m.Text));
        var (second, third) = (messages[1], messages[2]);
        Assert.Equal((earlier, deliveries[1], identity.Id), (second.ExternalId, second.InboundEventId, second.ChannelIdentityId));
        Assert.Equal((later, deliveries[0], identity.Id), (third.ExternalId, third.InboundEventId, third.ChannelIdentityId));
        Assert.All(messages.Skip(1), m => Assert.Equal(
            (MessageOrigin.Customer, DeliveryStatus.Received, recordedAt, recordedAt, MessageKind.Text, (Guid?)null),
            (m.Origin, m.Status, m.CreatedAt, m.StatusAt, m.Kind, m.ReplyToMessageId)));

        var received = await db.AutomationEvents.Where(e => e.ContactId == contactId && e.Type == AutomationEventTypes.MessageReceived)
            .OrderBy(e => e.Id).Skip(1).ToListAsync();
        Assert.Equal([third.Id, second.Id], received.Select(e => JsonDocument.Parse(e.Payload!).RootElement.GetProperty("messageId").GetGuid()));
        Assert.All(received, e =>
        {
            // Signalled on commit: the dispatcher may have taken them already.
            Assert.Equal((false, recordedAt), (e.CausedByAutomation, e.OccurredAt));
            Assert.NotEqual(AutomationEventState.Failed, e.State);
            Assert.False(JsonDocument.Parse(e.Payload!).RootElement.GetProperty("firstMessage").GetBoolean());
        });
        Assert.Equal(2, await db.InboundEvents.CountAsync(e => deliveries.Contains(e.Id) && e.State == InboundEventState.Processed));
    }

    [Fact]
    public async Task AKnownSenderWritingAnOrderNumberAndADate_IsRecordedWithoutLoadingTheProfile_ForTheyMentionNoPhone()
    {
        var phone = TestData.NewGermanMobile().TrimStart('+');
        var now = WholeSecondsNow();
        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now, "hello"));
        await ProcessAsync();
        var contactId = await ContactOfPhoneAsync(phone);

        const string Question = "Load test message 104257: where is order 2026-118834, placed 28.11.2026?";
        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(phone, $"wamid.{Guid.NewGuid():N}", now.AddMinutes(1), Question));
        using (app.Commands.Record())
        {
            await ProcessAsync();
        }

        Assert.DoesNotContain(app.Commands.Recorded, sql => sql.Contains("\"ContactEmails\"", StringComparison.Ordinal));
        Assert.Empty(FallBacks());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(["hello", Question],
            await db.Messages.Where(m => m.ContactId == contactId).OrderBy(m => m.SentAt).Select(m => m.Text).ToListAsync());
        Assert.False(await db.MergeSuggestions.AnyAsync(s => s.ContactId == contactId || s.CandidateContactId == contactId));
    }

    [Fact]
    public async Task OneCustomerWritingAgainOnWhatsAppAndSms_InOneBatch_UpdatesTheirOneThreadOnce()
    {
        var phone = TestData.NewGermanMobile();
        var now = WholeSecondsNow();
        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(phone.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", now.AddMinutes(-10), "on WhatsApp"));
        await ProcessAsync();
        await StoreAsync(ChannelKind.Sms, Sms(phone, "and by SMS"));
        await ProcessAsync();
        var contactId = await ContactOfPhoneAsync(phone.TrimStart('+'));

        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(phone.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", now.AddMinutes(-1), "WhatsApp again"));
        await StoreAsync(ChannelKind.Sms, Sms(phone, "SMS again"));
        using (app.Commands.Record())
        {
            await ProcessAsync();
        }

        Assert.DoesNotContain(app.Commands.Recorded, sql => sql.Contains("\"ContactEmails\"", StringComparison.Ordinal));
        Assert.Empty(FallBacks());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(4, await db.Messages.CountAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Inbound));
        var thread = await db.Conversations.SingleAsync(c => c.ContactId == contactId);
        Assert.Equal(ChannelKind.Sms, thread.LastCustomerChannel);
        var identities = await db.ChannelIdentities.Where(i => i.ContactId == contactId).ToDictionaryAsync(i => i.Channel);
        Assert.Equal(now.AddMinutes(-1).UtcDateTime, identities[ChannelKind.WhatsApp].LastInboundAt);
        Assert.Equal(thread.LastCustomerMessageAt, identities[ChannelKind.Sms].LastInboundAt);
    }

    [Fact]
    public async Task AKnownSendersMessagesThatChangeMore_AmongPlainOnes_AreRecordedTheTrackedWay_InOrder()
    {
        var (chat, other) = (TelegramPayloads.NewUserId(), TestData.NewGermanMobile());
        var now = WholeSecondsNow();
        await StoreAsync(TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "first"));
        await StoreAsync(ChannelKind.WhatsApp, WhatsAppPayloads.Text(other.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", now, "someone else"));
        await ProcessAsync();
        var (contactId, otherId) = (await ContactOfAsync(chat), await ContactOfPhoneAsync(other.TrimStart('+')));

        await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(1), "plain"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(2), $"my other number is {other}"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddMinutes(3), "plain again"));
        await ProcessAsync();

        Assert.Empty(FallBacks());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(["first", "plain", $"my other number is {other}", "plain again"],
            await db.Messages.Where(m => m.ContactId == contactId).OrderBy(m => m.SentAt).Select(m => m.Text).ToListAsync());
        // The mention is scanned: only the tracked way does.
        Assert.True(await db.MergeSuggestions.AnyAsync(s => s.Reason == MergeSuggestionReason.MentionedInMessage
            && ((s.ContactId == contactId && s.CandidateContactId == otherId) || (s.ContactId == otherId && s.CandidateContactId == contactId))));
        Assert.Equal(now.AddMinutes(3).UtcDateTime, (await db.Conversations.SingleAsync(c => c.ContactId == contactId)).LastCustomerMessageAt);
    }

    private async Task<Guid> ContactOfPhoneAsync(string phoneWithoutPlus)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactPhones.Where(p => p.Number == "+" + phoneWithoutPlus && p.Verified).Select(p => p.ContactId).SingleAsync();
    }

    private async Task ResolveThreadAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        await db.Conversations.Where(c => c.ContactId == contactId).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.Status, ConversationStatus.Resolved)
            .SetProperty(c => c.ResolvedAt, app.Clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>A Twilio message from <paramref name="phone"/>, as the SMS channel stores it.</summary>
    private static string Sms(string phone, string body)
    {
        var form = new FormUrlEncodedContent(SmsPayloads.Message(phone, $"SM{Guid.NewGuid():N}", body)).ReadAsStringAsync().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(new Platform.Channels.Sms.TwilioDelivery(Platform.Channels.Sms.SmsChannel.MessagePath, form).ToPayload());
    }

    private async Task<Guid> ContactOfAsync(long chat)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ChannelIdentities.Where(i => i.Channel == ChannelKind.Telegram && i.ExternalId == Id(chat)).Select(i => i.ContactId).SingleAsync();
    }

    /// <summary>Telegram dates are whole seconds.</summary>
    private DateTimeOffset WholeSecondsNow() => DateTimeOffset.FromUnixTimeSeconds(app.Clock.GetUtcNow().ToUnixTimeSeconds());

    private static string Id(long chat) => chat.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Claims_LookForTheOldestPendingInTheStateIndex_AndForTheClaimedRows_ByTheirIds_NotAmongTheWholeBacklog()
    {
        var chat = TelegramPayloads.NewUserId();
        var now = WholeSecondsNow();
        await StoreAsync(
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now, "hello"),
            TelegramPayloads.Text(chat, TelegramPayloads.NewMessageId(), now.AddSeconds(1), "again"));

        using (app.Commands.Record())
        {
            await ProcessAsync();
            await app.Services.GetRequiredService<Platform.Automation.Dispatch.AutomationEventDispatcher>()
                .DispatchPendingAsync(() => { }, CancellationToken.None);
        }

        foreach (var (table, stateIndex) in new[] { ("InboundEvents", "IX_InboundEvents_State_ReceivedAt"), ("AutomationEvents", "IX_AutomationEvents_State_OccurredAt") })
        {
            var leases = app.Commands.Recorded.Where(sql => sql.Contains($"\"{table}\"", StringComparison.Ordinal) && sql.Contains("\"Locked", StringComparison.Ordinal)).ToList();
            var plans = new List<(string Command, string Plan)>();
            await using var db = await app.CreateDbContextAsync();
            foreach (var command in leases)
            {
                plans.Add((command, string.Join(" | ", await QueryPlans.PlanAsync(db, command))));
            }

            // The search for the oldest is the one statement that may walk the index (LIMIT stops it); the update of the
            // lease and the read back go by id. Found by owner and state instead, they walk every pending row.
            Assert.Contains(plans, p => p.Plan.Contains(stateIndex, StringComparison.Ordinal));
            Assert.Contains(plans, p => !p.Command.Contains("LIMIT", StringComparison.Ordinal));
            Assert.All(plans.Where(p => !p.Command.Contains("LIMIT", StringComparison.Ordinal)),
                p => Assert.DoesNotContain(stateIndex, p.Plan, StringComparison.Ordinal));
        }
    }

    private Task<Guid[]> StoreAsync(params string[] bodies) => StoreAsync(ChannelKind.Telegram, bodies);

    private async Task<Guid[]> StoreAsync(ChannelKind channel, params string[] bodies)
    {
        var receivedAt = app.Clock.GetUtcNow().UtcDateTime;
        var deliveries = bodies.Select((body, index) => new InboundEvent
        {
            Channel = channel,
            DedupeKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
            ContentType = "application/json",
            Payload = Encoding.UTF8.GetBytes(body),
            ReceivedAt = receivedAt.AddTicks(index),
        }).ToList();
        await using var db = await app.CreateDbContextAsync();
        db.InboundEvents.AddRange(deliveries);
        await db.SaveChangesAsync();
        app.Services.GetFakeLogCollector().Clear();
        return [.. deliveries.Select(d => d.Id)];
    }

    private async Task ProcessAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InboundEventProcessor>().ProcessBatchAsync(CancellationToken.None);
    }

    private IEnumerable<FakeLogRecord> FallBacks() => app.Services.GetFakeLogCollector().GetSnapshot()
        .Where(r => r.Category is { } category && (category == typeof(InboundEventProcessor).FullName || category == typeof(CustomerMessageSlices).FullName)
                    && r.Level == LogLevel.Warning);
}

/// <summary>
/// The poisoned Telegram app, its pump polling once an hour, its logs collected; a test can run something just before
/// the next database transaction begins (<see cref="BeforeNextTransaction"/>).
/// </summary>
public sealed class HeldInboundAppFactory : PoisonedTelegramAppFactory
{
    public BeforeNextTransaction BeforeNextTransaction { get; } = new();

    public CommandLog Commands { get; } = new();

    protected override void Configure(IDictionary<string, string?> settings) => settings["Webhooks:PollInterval"] = "01:00:00";

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddFakeLogging();
        services.AddSingleton<IInterceptor>(BeforeNextTransaction);
        services.AddSingleton<IInterceptor>(Commands);
    }
}
