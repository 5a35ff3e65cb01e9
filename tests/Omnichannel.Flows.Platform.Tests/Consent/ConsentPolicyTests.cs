using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class ConsentPolicyTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Theory]
    [InlineData(SendPurpose.Conversation)]
    [InlineData(SendPurpose.Marketing)]
    [InlineData(SendPurpose.Transactional)]
    [InlineData(SendPurpose.System)]
    public async Task Check_NothingRecorded_AllowsEveryPurpose(SendPurpose purpose)
    {
        var contactId = await database.NewContactAsync();

        Assert.True((await CheckAsync(contactId, ChannelKind.Sms, purpose)).IsAllowed);
    }

    [Theory]
    [InlineData(ConsentScope.All, SendPurpose.Conversation, false)]
    [InlineData(ConsentScope.All, SendPurpose.Marketing, false)]
    [InlineData(ConsentScope.All, SendPurpose.Transactional, false)]
    [InlineData(ConsentScope.All, SendPurpose.System, true)]
    [InlineData(ConsentScope.Marketing, SendPurpose.Conversation, true)]
    [InlineData(ConsentScope.Marketing, SendPurpose.Marketing, false)]
    [InlineData(ConsentScope.Marketing, SendPurpose.Transactional, true)]
    [InlineData(ConsentScope.Marketing, SendPurpose.System, true)]
    public async Task Check_AfterAnOptOut_LetsThroughOnlyWhatItsScopeLeaves(ConsentScope scope, SendPurpose purpose, bool allowed)
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.WhatsApp, scope, optedIn: false);

        Assert.Equal(allowed, (await CheckAsync(contactId, ChannelKind.WhatsApp, purpose)).IsAllowed);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Check_TransactionalAfterAFullOptOut_IsAllowedOnlyWhenConfigured(bool allowTransactional, bool allowed)
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        var decision = await CheckAsync(contactId, ChannelKind.Sms, SendPurpose.Transactional, new ConsentOptions { AllowTransactionalAfterOptOut = allowTransactional });

        Assert.Equal(allowed, decision.IsAllowed);
        Assert.False((await CheckAsync(contactId, ChannelKind.Sms, SendPurpose.Marketing, new ConsentOptions { AllowTransactionalAfterOptOut = true })).IsAllowed);
    }

    [Fact]
    public async Task Check_OptOutOnAnotherChannel_DoesNotBlockThisOne()
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false);

        Assert.True((await CheckAsync(contactId, ChannelKind.WhatsApp, SendPurpose.Marketing)).IsAllowed);
    }

    [Fact]
    public async Task Check_AfterOptingBackIn_Allows()
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false, ConsentTestData.Now);
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: true, ConsentTestData.Now.AddHours(1));

        Assert.True((await CheckAsync(contactId, ChannelKind.Sms, SendPurpose.Marketing)).IsAllowed);
    }

    [Fact]
    public async Task Check_FullAndMarketingOptOut_NamesTheFullOneWithChannelSourceAndTime()
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.Marketing, optedIn: false, ConsentTestData.Now);
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false, ConsentTestData.Now.AddMinutes(1), ConsentSource.Keyword);

        var decision = await CheckAsync(contactId, ChannelKind.Sms, SendPurpose.Marketing);

        Assert.False(decision.IsAllowed);
        Assert.Equal(ConsentScope.All, decision.OptedOutOf);
        Assert.Equal(ConsentSource.Keyword, decision.Source);
        Assert.Equal(ConsentTestData.Now.AddMinutes(1), decision.Since);
        Assert.Equal("The customer opted out of all messages on SMS (keyword, 2026-03-02 12:01 UTC).", decision.Reason);
    }

    [Fact]
    public async Task Reachable_ComposedIntoARecipientQuery_LeavesOutExactlyTheBlocked()
    {
        var contacts = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            contacts.Add(await database.NewContactAsync($"Broadcast {i}"));
        }

        await database.RecordAsync(contacts[0], ChannelKind.WhatsApp, ConsentScope.All, optedIn: false);
        await database.RecordAsync(contacts[1], ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);
        await database.RecordAsync(contacts[2], ChannelKind.Sms, ConsentScope.All, optedIn: false);
        await database.RecordAsync(contacts[3], ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false, ConsentTestData.Now);
        await database.RecordAsync(contacts[3], ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true, ConsentTestData.Now.AddDays(1));

        await using var db = database.CreateContext();
        var policy = Policy(db);
        var audience = db.Contacts.Where(c => contacts.Contains(c.Id)).Select(c => c.Id);
        var marketing = await policy.Reachable(audience, ChannelKind.WhatsApp, SendPurpose.Marketing).ToListAsync();
        var transactional = await policy.Reachable(audience, ChannelKind.WhatsApp, SendPurpose.Transactional).ToListAsync();

        Assert.Equal(contacts.Except([contacts[0], contacts[1]]).Order(), marketing.Order());
        Assert.Equal(contacts.Except([contacts[0]]).Order(), transactional.Order());
    }

    [Fact]
    public async Task BlockedAmong_MoreContactsThanOneQueryTakes_FindsEveryOptOut()
    {
        var optedOut = new List<Guid>();
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < 2_500; i++)
            {
                var contact = new Contact { DisplayName = $"Many {i}", CreatedAt = ConsentTestData.Now, UpdatedAt = ConsentTestData.Now };
                db.Contacts.Add(contact);
                if (i % 100 == 7)
                {
                    optedOut.Add(contact.Id);
                    db.ContactConsents.Add(new ContactConsent
                    {
                        ContactId = contact.Id, Channel = ChannelKind.Sms, Scope = ConsentScope.All, OptedIn = false,
                        Source = ConsentSource.Keyword, ChangedAt = ConsentTestData.Now, ChangeId = Guid.NewGuid(),
                    });
                }
            }

            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var everyone = await check.Contacts.Where(c => c.DisplayName.StartsWith("Many ")).Select(c => c.Id).ToListAsync();
        var blocked = await Policy(check).BlockedAmongAsync(everyone, ChannelKind.Sms, SendPurpose.Conversation, CancellationToken.None);
        var none = await Policy(check).BlockedAmongAsync(everyone, ChannelKind.Sms, SendPurpose.System, CancellationToken.None);

        Assert.Equal(25, optedOut.Count);
        Assert.Equal(optedOut.Order(), blocked.Order());
        Assert.Empty(none);
    }

    private async Task<ConsentDecision> CheckAsync(Guid contactId, ChannelKind channel, SendPurpose purpose, ConsentOptions? options = null)
    {
        await using var db = database.CreateContext();
        return await Policy(db, options).CheckAsync(contactId, channel, purpose, CancellationToken.None);
    }

    private static ConsentPolicy Policy(FlowsDbContext db, ConsentOptions? options = null) =>
        new(db, new StaticOptionsMonitor(options ?? new ConsentOptions()));

    private sealed class StaticOptionsMonitor(ConsentOptions value) : IOptionsMonitor<ConsentOptions>
    {
        public ConsentOptions CurrentValue => value;

        public ConsentOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsentOptions, string?> listener) => null;
    }
}
