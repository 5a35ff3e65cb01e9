using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class PlainReadsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 11, 28, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task ManyReadsAtOnce_EachGetTheirOwnRows()
    {
        Guid[] ids = [.. await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SeedAsync($"Contact {i}")))];
        using var reads = new PlainReads(database.Factory);

        var names = await Task.WhenAll(ids.Select(async id => (await NameOfAsync(reads, id)).Single()));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Contact {i}"), names);
        Assert.Equal(20, reads.Executed);
    }

    [Fact]
    public async Task AReadOnASessionKeptOpen_SeesWhatWasCommittedSinceItsLastRead()
    {
        var id = await SeedAsync("Before");
        using var reads = new PlainReads(database.Factory);
        Assert.Equal(["Before"], await NameOfAsync(reads, id));

        await using (var db = database.CreateContext())
        {
            var contact = await db.Contacts.FindAsync(id);
            contact!.DisplayName = "After";
            await db.SaveChangesAsync();
        }

        Assert.Equal(["After"], await NameOfAsync(reads, id));
        Assert.Empty(await NameOfAsync(reads, Guid.NewGuid()));
    }

    [Fact]
    public async Task AStatementThatFails_LeavesTheNextReadsWorking()
    {
        var id = await SeedAsync("Still readable");
        using var reads = new PlainReads(database.Factory);

        await Assert.ThrowsAnyAsync<Exception>(() => reads.QueryAsync("broken", _ => ("SELECT nothing FROM nowhere", []), [], row => row.GetString(0), CancellationToken.None));

        Assert.Equal(["Still readable"], await NameOfAsync(reads, id));
    }

    [Fact]
    public async Task AfterDisposal_ReadsAreRefused()
    {
        var reads = new PlainReads(database.Factory);
        reads.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => NameOfAsync(reads, Guid.NewGuid()));
    }

    private static Task<List<string>> NameOfAsync(PlainReads reads, Guid id) => reads.QueryAsync("name-of", commands =>
    {
        var contacts = commands.Entity(typeof(Contact));
        var (key, name) = (PreparedCommands.Property(contacts, nameof(Contact.Id)), PreparedCommands.Property(contacts, nameof(Contact.DisplayName)));
        return ($"SELECT {commands.Column(name)} FROM {commands.Table(contacts)} WHERE {commands.Column(key)} = {commands.Parameter(0)}", [key]);
    }, [id], row => row.GetString(0), CancellationToken.None);

    private async Task<Guid> SeedAsync(string name)
    {
        await using var db = database.CreateContext();
        var contact = db.Contacts.Add(new Contact { DisplayName = name, CreatedAt = Now, UpdatedAt = Now }).Entity;
        await db.SaveChangesAsync();
        return contact.Id;
    }
}
