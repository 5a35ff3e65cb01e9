using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Contacts;

public sealed class ContactMergerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Merge_OtherHasPhonesEmailsAndIdentitiesTheKeptLacks_MovesThemAll()
    {
        var kept = NewContact("Kept", "+4915100000010", "kept@example.com", ChannelKind.WhatsApp);
        var other = NewContact("Other", "+4915100000020", "other@example.com", ChannelKind.Telegram);
        await using (var db = database.CreateContext())
        {
            db.Contacts.AddRange(kept, other);
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            var merger = new ContactMerger(db, new ConversationEvents(NullLogger<ConversationEvents>.Instance), new FakeTimeProvider(Now),
                NullLogger<ContactMerger>.Instance);
            var result = await merger.MergeAsync(kept.Id, other.Id, "user-1", "Agent One", CancellationToken.None);
            Assert.NotNull(result.Moves);
        }

        await using var check = database.CreateContext();
        var survivor = await check.Contacts.Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Identities).SingleAsync(c => c.Id == kept.Id);
        Assert.Equal(["+4915100000010", "+4915100000020"], survivor.Phones.Select(p => p.Number).Order());
        Assert.Equal(["kept@example.com", "other@example.com"], survivor.Emails.Select(e => e.Address).Order());
        Assert.Equal([ChannelKind.WhatsApp, ChannelKind.Telegram], survivor.Identities.Select(i => i.Channel).Order());
        Assert.Equal(kept.Id, (await check.Contacts.SingleAsync(c => c.Id == other.Id)).MergedIntoId);
    }

    private static Contact NewContact(string name, string phone, string email, ChannelKind channel)
    {
        var contact = new Contact { DisplayName = name, CreatedAt = Now, UpdatedAt = Now };
        contact.Phones.Add(new ContactPhone { Number = phone, MatchKey = phone, Verified = true, AddedAt = Now });
        contact.Emails.Add(new ContactEmail { Address = email, Verified = true, AddedAt = Now });
        contact.Identities.Add(new ChannelIdentity { Channel = channel, ExternalId = $"{channel}-{Guid.NewGuid():N}", CreatedAt = Now, LastSeenAt = Now });
        return contact;
    }
}
