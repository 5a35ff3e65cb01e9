using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class ConsentLedgerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Record_AnOptOut_AddsToTheHistoryAndBecomesTheState()
    {
        var contactId = await database.NewContactAsync();

        var change = await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false, source: ConsentSource.Keyword);

        await using var db = database.CreateContext();
        var state = await db.ContactConsents.SingleAsync(c => c.ContactId == contactId);
        Assert.Equal((ChannelKind.Sms, ConsentScope.All, false, ConsentSource.Keyword, change!.Id), (state.Channel, state.Scope, state.OptedIn, state.Source, state.ChangeId));
        Assert.Equal(change.Id, (await db.ConsentChanges.SingleAsync(c => c.ContactId == contactId)).Id);
    }

    [Fact]
    public async Task Record_WhatTheStateAlreadySays_RecordsNothing()
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false, ConsentTestData.Now);

        var again = await database.RecordAsync(contactId, ChannelKind.Sms, ConsentScope.All, optedIn: false, ConsentTestData.Now.AddMinutes(1));

        Assert.Null(again);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.ConsentChanges.CountAsync(c => c.ContactId == contactId));
    }

    [Fact]
    public async Task Record_OlderThanTheRecordedChange_LeavesTheLaterWordStanding()
    {
        var contactId = await database.NewContactAsync();
        await database.RecordAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false, ConsentTestData.Now);
        await database.RecordAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true, ConsentTestData.Now.AddMinutes(10));

        var late = await database.RecordAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false, ConsentTestData.Now.AddMinutes(5));

        Assert.Null(late);
        await using var db = database.CreateContext();
        Assert.True((await db.ContactConsents.SingleAsync(c => c.ContactId == contactId)).OptedIn);
    }

    [Fact]
    public async Task Record_AnExplicitOptInWithNothingRecorded_IsKept()
    {
        var contactId = await database.NewContactAsync();

        var optIn = await database.RecordAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: true);

        Assert.NotNull(optIn);
        await using var db = database.CreateContext();
        Assert.True((await db.ContactConsents.SingleAsync(c => c.ContactId == contactId)).OptedIn);
    }
}
