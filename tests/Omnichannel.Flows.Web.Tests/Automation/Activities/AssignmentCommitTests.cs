using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>
/// A thread's new assignee is written in the flow store's group commit, with other runs' steps: no save (and write turn,
/// and commit) of its own per run.
/// </summary>
public sealed class AssignmentCommitTests(AssignmentCommitTests.SavesRecordingApp app) : IClassFixture<AssignmentCommitTests.SavesRecordingApp>
{
    [Fact]
    public async Task AssigningAnExistingThread_IsCommittedByTheFlowStoreWriter_NotByASaveOfItsOwn()
    {
        var (teamId, _) = await app.TeamAsync("Group commit", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "where is my parcel?");
        var conversationId = (await app.ConversationAsync(contactId)).Id;
        var writer = app.Services.GetRequiredService<FlowStoreWriter>();
        var batches = writer.Batches;

        await app.RunActionAsync(contactId, "conversation.assign", new { team = "Group commit", onlyIfUnassigned = false });

        Assert.Equal(teamId, (await app.ConversationAsync(contactId)).AssignedTeamId);
        Assert.True(writer.Batches > batches);
        Assert.DoesNotContain(conversationId, app.Saves.Modified);
    }

    public sealed class SavesRecordingApp : ActivityAppFactory
    {
        public ConversationSaves Saves { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.AddSingleton<IInterceptor>(Saves);
        }
    }

    /// <summary>The conversations EF Core saves as modified.</summary>
    public sealed class ConversationSaves : SaveChangesInterceptor
    {
        private readonly ConcurrentDictionary<Guid, bool> modified = new();

        public ICollection<Guid> Modified => modified.Keys;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            foreach (var entry in eventData.Context!.ChangeTracker.Entries<Conversation>().Where(e => e.State == EntityState.Modified))
            {
                modified.TryAdd(entry.Entity.Id, true);
            }

            return ValueTask.FromResult(result);
        }
    }
}
