using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Conversations;

public sealed class RecipientResolverTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);
    private readonly RecipientResolver resolver = new(new FakeTimeProvider(Now));

    [Fact]
    public async Task ReachableChannels_IdentitiesAndVerifiedAddresses_AreListedButUnverifiedOnesAreNot()
    {
        var contact = NewContact("Telegram user");
        contact.Identities.Add(new ChannelIdentity { Channel = ChannelKind.Telegram, ExternalId = $"tg-{Guid.NewGuid():N}", CreatedAt = Now, LastSeenAt = Now });
        contact.Emails.Add(new ContactEmail { Address = $"{Guid.NewGuid():N}@example.com", Verified = true, AddedAt = Now });
        contact.Phones.Add(new ContactPhone { Number = "+4915100000001", MatchKey = "+4915100000001", Verified = false, AddedAt = Now });
        await SaveAsync(contact);

        await using var db = database.CreateContext();
        var reachable = await resolver.ReachableChannelsAsync(db, contact.Id, CancellationToken.None);

        Assert.Equal([ChannelKind.Email, ChannelKind.Telegram], reachable.Order());
    }

    [Fact]
    public async Task ReachableChannels_VerifiedPhoneWhoseWhatsAppIdentityIsAnotherProfiles_OffersSmsOnly()
    {
        var number = $"+49151{Random.Shared.Next(10_000_000, 99_999_999)}";
        var owner = NewContact("Owner of the WhatsApp id");
        owner.Identities.Add(new ChannelIdentity { Channel = ChannelKind.WhatsApp, ExternalId = number.TrimStart('+'), CreatedAt = Now, LastSeenAt = Now });
        var contact = NewContact("Same number, other profile");
        contact.Phones.Add(new ContactPhone { Number = number, MatchKey = number, Verified = true, AddedAt = Now });
        await SaveAsync(owner, contact);

        await using var db = database.CreateContext();
        var reachable = await resolver.ReachableChannelsAsync(db, contact.Id, CancellationToken.None);

        Assert.Equal([ChannelKind.Sms], reachable);
    }

    private static Contact NewContact(string name) => new() { DisplayName = name, CreatedAt = Now, UpdatedAt = Now };

    private async Task SaveAsync(params Contact[] contacts)
    {
        await using var db = database.CreateContext();
        db.Contacts.AddRange(contacts);
        await db.SaveChangesAsync();
    }
}
