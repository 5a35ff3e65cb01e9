using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// The group-commit loops everyone waits on — webhook deliveries and flow steps — commit on threads of their own, not on
/// the thread pool, where they would queue behind the very requests and runs waiting for them.
/// </summary>
public sealed class WriterThreadsTests(WriterThreadsTests.CommitThreadsApp app) : IClassFixture<WriterThreadsTests.CommitThreadsApp>
{
    [Fact]
    public async Task AWebhookDelivery_AndAFlowRunsSteps_AreCommittedOnTheirWritersThreads()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = $"writer-{Guid.NewGuid():N}";
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("writer"), TestFlows.TagAdded(tag), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag })).EnsureSuccessStatusCode();
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1 && r[0].Status == FlowStatus.Finished, "the flow to run");

        Assert.Contains("Webhook writer", app.Commits.Threads);
        Assert.Contains("Flow store writer", app.Commits.Threads);
    }

    public sealed class CommitThreadsApp : AutomationAppFactory
    {
        public CommitThreads Commits { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.AddSingleton<IInterceptor>(Commits);
        }
    }

    /// <summary>The names of the threads changes were committed on: transactions and saves (pool threads have none).</summary>
    public sealed class CommitThreads : IDbTransactionInterceptor, ISaveChangesInterceptor
    {
        private readonly ConcurrentDictionary<string, bool> names = new();

        public ICollection<string> Threads => names.Keys;

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Record();

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Record();
            return Task.CompletedTask;
        }

        public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Record();
            return result;
        }

        public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Record();
            return ValueTask.FromResult(result);
        }

        private void Record() => names.TryAdd(Thread.CurrentThread.Name ?? "(unnamed)", true);
    }
}
