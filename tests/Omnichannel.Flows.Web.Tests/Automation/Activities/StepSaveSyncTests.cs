using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Tests.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>
/// A step's saves during a run commit without syncing SQLite's log in their write turn: those that change only the
/// platform's own state leave it to a later sync (as the run's own steps do); a send's outbox row is flushed to disk
/// before its save returns, so before the provider is called.
/// </summary>
public sealed class StepSaveSyncTests(StepSaveSyncTests.ProbingApp app) : IClassFixture<StepSaveSyncTests.ProbingApp>
{
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
        Assert.Equal(SyncModes.Normal, save.Synchronous);
        Assert.NotNull((await app.ConversationAsync(contactId)).AssignedTeamId);
    }

    [Fact]
    public async Task ASendDuringARun_FlushesTheLogWithItsOutboxRow_BeforeItsSaveReturns()
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
        // Committed in the write turn without the disk's wait, then flushed before the save returned to the sender.
        Assert.All(saves, s => Assert.Equal(SyncModes.Normal, s.Synchronous));
        Assert.All(saves, s => Assert.True(s.FlushesAfter > s.FlushesBefore, "The log was not flushed before the save returned."));
    }

    public sealed class ProbingApp : ActivityAppFactory
    {
        public SyncProbe Probe { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            // After the app's interceptors: it sees the connection as the save will commit on it, and the save as it returns.
            services.AddSingleton<IInterceptor>(sp => Probe.For(sp.GetRequiredService<DeferredLogSync>()));
        }
    }

    /// <summary>What a save wrote, how its connection synced commits, and the log flushes before it and as it returned.</summary>
    public sealed record Save(HashSet<string> Types, long Synchronous, long FlushesBefore)
    {
        public long FlushesAfter { get; set; }
    }

    /// <summary>Records, for every save, what it writes, how its connection syncs commits and whether the log was flushed.</summary>
    public sealed class SyncProbe : SaveChangesInterceptor
    {
        private readonly ConditionalWeakTable<DbContext, Save> open = [];
        private DeferredLogSync? logSync;

        public ConcurrentQueue<Save> Saves { get; } = new();

        public SyncProbe For(DeferredLogSync sync)
        {
            logSync = sync;
            return this;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is { } db && open.TryGetValue(db, out var save))
            {
                open.Remove(db);
                save.FlushesAfter = logSync!.LogFlushes;
            }

            return ValueTask.FromResult(result);
        }

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
                var save = new Save(types, await SyncModes.OfAsync(db.Database.GetDbConnection(), cancellationToken: cancellationToken), logSync!.LogFlushes);
                open.AddOrUpdate(db, save);
                Saves.Enqueue(save);
            }

            return result;
        }
    }
}
