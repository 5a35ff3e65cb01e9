using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Conversations;

public sealed class ThreadQueriesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Noon = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Page_EndingAmidMessagesSentAtTheSameInstant_KeepsThemTogetherAndPagingSkipsNone()
    {
        var contactId = await SeedAsync(Noon.AddMinutes(-2), Noon.AddMinutes(-1), Noon.AddMinutes(-1), Noon.AddMinutes(-1), Noon);
        await using var db = database.CreateContext();
        var thread = new ThreadQueries(db, new ContactQueries(db));

        var latest = await thread.PageAsync(contactId, null, 2, CancellationToken.None);
        var older = await thread.PageAsync(contactId, latest!.NextBefore, 2, CancellationToken.None);

        Assert.Equal([Noon, Noon.AddMinutes(-1), Noon.AddMinutes(-1), Noon.AddMinutes(-1)], latest.Items.Select(m => m.CreatedAt));
        Assert.Equal(Noon.AddMinutes(-1), latest.NextBefore);
        Assert.Equal([Noon.AddMinutes(-2)], older!.Items.Select(m => m.CreatedAt));
        Assert.Null(older.NextBefore);
        Assert.Equal(5, latest.Items.Concat(older.Items).Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task Page_OfAMergedAwayProfile_ReadsTheSurvivorsThread()
    {
        var survivorId = await SeedAsync(Noon);
        var mergedAwayId = await SeedAsync();
        await using (var db = database.CreateContext())
        {
            (await db.Contacts.FindAsync(mergedAwayId))!.MergedIntoId = survivorId;
            await db.SaveChangesAsync();
        }

        await using var reader = database.CreateContext();
        var page = await new ThreadQueries(reader, new ContactQueries(reader)).PageAsync(mergedAwayId, null, 10, CancellationToken.None);

        Assert.Equal([Noon], page!.Items.Select(m => m.CreatedAt));
    }

    private async Task<Guid> SeedAsync(params DateTime[] sentAt)
    {
        await using var db = database.CreateContext();
        var contact = new Contact { DisplayName = "Paging Customer", CreatedAt = Noon, UpdatedAt = Noon };
        db.Contacts.Add(contact);
        foreach (var at in sentAt)
        {
            db.Messages.Add(new Message
            {
                ContactId = contact.Id, Channel = ChannelKind.WhatsApp, Direction = MessageDirection.Inbound, Text = $"sent {at:HH:mm}",
                SentAt = at, CreatedAt = Noon, Status = DeliveryStatus.Received, StatusAt = at,
            });
        }

        await db.SaveChangesAsync();
        return contact.Id;
    }
}
