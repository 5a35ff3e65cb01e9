using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class ConsentMergeTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = ConsentTestData.Now;

    [Fact]
    public async Task Merge_OtherOptedOut_KeptProfileIsOptedOutAndTheHistoryMoves()
    {
        var keep = await database.NewContactAsync("Kept");
        var other = await database.NewContactAsync("Other");
        var optOut = await database.RecordAsync(other, ChannelKind.Sms, ConsentScope.All, optedIn: false, Now.AddDays(-2), ConsentSource.Keyword);

        await MergeAsync(keep, other);

        await using var db = database.CreateContext();
        var state = await db.ContactConsents.SingleAsync(c => c.ContactId == keep);
        Assert.Equal((ChannelKind.Sms, ConsentScope.All, false, optOut!.Id), (state.Channel, state.Scope, state.OptedIn, state.ChangeId));
        Assert.Equal(keep, (await db.ConsentChanges.SingleAsync(c => c.Id == optOut.Id)).ContactId);
        Assert.False(await db.ContactConsents.AnyAsync(c => c.ContactId == other));
    }

    [Fact]
    public async Task Merge_KeptOptedOut_OtherOptedBackInLater_StaysOptedOutWithAMergeEntry()
    {
        var keep = await database.NewContactAsync("Kept");
        var other = await database.NewContactAsync("Other");
        await database.RecordAsync(keep, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false, Now.AddDays(-3), ConsentSource.Button);
        await database.RecordAsync(other, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false, Now.AddDays(-2));
        await database.RecordAsync(other, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true, Now.AddDays(-1));

        await MergeAsync(keep, other);

        await using var db = database.CreateContext();
        var state = await db.ContactConsents.SingleAsync(c => c.ContactId == keep);
        Assert.False(state.OptedIn);
        Assert.Equal(ConsentSource.Merge, state.Source);
        var history = await db.ConsentChanges.Where(c => c.ContactId == keep).OrderBy(c => c.OccurredAt).ToListAsync();
        Assert.Equal([ConsentSource.Button, ConsentSource.Agent, ConsentSource.Agent, ConsentSource.Merge], history.Select(c => c.Source));
        var merge = history[^1];
        Assert.Equal((false, Now, "user-1", "Agent One"), (merge.OptedIn, merge.OccurredAt, merge.ChangedByUserId, merge.ChangedByName));
        Assert.Equal("A merged profile opted out on 2026-02-27 12:00 UTC (\"Stop promotions\" button).", merge.Detail);
        Assert.Equal(state.ChangeId, merge.Id);
    }

    [Fact]
    public async Task Merge_BothOptedInOrOut_KeepsTheLatestWordWithoutAMergeEntry()
    {
        var keep = await database.NewContactAsync("Kept");
        var other = await database.NewContactAsync("Other");
        await database.RecordAsync(keep, ChannelKind.Sms, ConsentScope.All, optedIn: false, Now.AddDays(-3));
        var later = await database.RecordAsync(other, ChannelKind.Sms, ConsentScope.All, optedIn: false, Now.AddDays(-1), ConsentSource.Keyword);

        await MergeAsync(keep, other);

        await using var db = database.CreateContext();
        var state = await db.ContactConsents.SingleAsync(c => c.ContactId == keep);
        Assert.Equal((false, later!.Id, ConsentSource.Keyword), (state.OptedIn, state.ChangeId, state.Source));
        Assert.DoesNotContain(await db.ConsentChanges.Where(c => c.ContactId == keep).ToListAsync(), c => c.Source == ConsentSource.Merge);
    }

    [Fact]
    public async Task Merge_KeptOptedInLater_OtherStillOptedOut_IsOptedOut()
    {
        var keep = await database.NewContactAsync("Kept");
        var other = await database.NewContactAsync("Other");
        await database.RecordAsync(other, ChannelKind.Sms, ConsentScope.All, optedIn: false, Now.AddDays(-3));
        await database.RecordAsync(keep, ChannelKind.Sms, ConsentScope.All, optedIn: false, Now.AddDays(-2));
        await database.RecordAsync(keep, ChannelKind.Sms, ConsentScope.All, optedIn: true, Now.AddDays(-1));

        await MergeAsync(keep, other);

        await using var db = database.CreateContext();
        var state = await db.ContactConsents.SingleAsync(c => c.ContactId == keep);
        Assert.Equal((false, ConsentSource.Merge), (state.OptedIn, state.Source));
    }

    private async Task MergeAsync(Guid keep, Guid other)
    {
        await using var db = database.CreateContext();
        var merger = new ContactMerger(db, new ConversationEvents(NullLogger<ConversationEvents>.Instance), new FakeTimeProvider(Now), NullLogger<ContactMerger>.Instance);
        Assert.NotNull((await merger.MergeAsync(keep, other, "user-1", "Agent One", CancellationToken.None)).Moves);
    }
}
