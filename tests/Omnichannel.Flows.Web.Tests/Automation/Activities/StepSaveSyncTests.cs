using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>
/// A step's saves during a run: those that change only the platform's own state commit without syncing SQLite's log
/// (as the run's own steps do); a send's outbox row is synced before the provider is called.
/// </summary>
public sealed class StepSaveSyncTests(StepSaveSyncTests.ProbingApp app) : IClassFixture<StepSaveSyncTests.ProbingApp>
{
    private const long Normal = 1;
    private const long Full = 2;

    [Fact]
    public async Task AnAssignmentDuringARun_CommitsWithoutSyncingTheLog()
    {
        await app.TeamAsync("Sync probe", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        app.Probe.Saves.Clear();

        using (StepWritesInTurn.Begin())
        {
            await app.RunActionAsync(contactId, "conversation.assign", new { assignTo = "team", team = "Sync probe" });
        }

        var save = Assert.Single(app.Probe.Saves, s => s.Types.Contains(nameof(Conversation)));
        Assert.Equal(Normal, save.Synchronous);
        Assert.NotNull((await app.ConversationAsync(contactId)).AssignedTeamId);
    }

    [Fact]
    public async Task ASendDuringARun_SyncsItsOutboxRow()
    {
        app.Provider.AcceptWhatsAppSends();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Where is my order?");
        var payload = await app.MessageReceivedPayloadAsync(contactId);
        app.Probe.Saves.Clear();

        using (StepWritesInTurn.Begin())
        {
            var (_, step) = await app.RunActionAsync(contactId, "message.send", new { text = "It ships today." }, payload);
            Assert.Equal("sent", step.Port);
        }

        var saves = app.Probe.Saves.Where(s => s.Types.Contains(nameof(Message))).ToList();
        Assert.NotEmpty(saves);
        Assert.All(saves, s => Assert.Equal(Full, s.Synchronous));
    }

    public sealed class ProbingApp : ActivityAppFactory
    {
        public SyncProbe Probe { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            // After the app's interceptors: it sees the connection as the save will commit on it.
            services.AddSingleton<IInterceptor>(Probe);
        }
    }

    /// <summary>Records, for every save, what it writes and how its connection syncs commits.</summary>
    public sealed class SyncProbe : SaveChangesInterceptor
    {
        public ConcurrentQueue<(HashSet<string> Types, long Synchronous)> Saves { get; } = new();

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is { } db)
            {
                var types = db.ChangeTracker.Entries()
                    .Where(e => e.State is EntityState.Added or EntityState.Modified)
                    .Select(e => e.Metadata.ClrType.Name)
                    .ToHashSet();
                await db.Database.OpenConnectionAsync(cancellationToken);
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                Saves.Enqueue((types, (long)(await command.ExecuteScalarAsync(cancellationToken))!));
            }

            return result;
        }
    }
}
