using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>What reading a contact's facts costs: nothing until a flow reads one, then one query per group.</summary>
public sealed class ContactFactsQueryTests(ContactFactsQueryTests.CountingApp app) : IClassFixture<ContactFactsQueryTests.CountingApp>
{
    [Fact]
    public async Task Tags_AndTheContactAStepActsOn_AreOnePlainRead_AndTheProfileOneQueryMore()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        await app.TagAsync(contactId, "vip");
        var plain = app.Services.GetRequiredService<PlainReads>();
        var statements = app.Statements.CountHere();
        var plainBefore = plain.Executed;

        var facts = await FactsAsync(contactId);
        var before = (statements.Value, plain.Executed - plainBefore);
        var tags = Fact(facts, "contact.tags").List;
        var id = Fact(facts, "contact.id").Text;
        var afterTags = (statements.Value, plain.Executed - plainBefore);
        _ = facts.TryGetValue("contact.first_name", out _);

        Assert.Equal((0, 0L), before);
        Assert.Equal(["vip"], tags);
        Assert.Equal(contactId.ToString(), id);
        // No EF query (and no context) for them: one prepared statement on a connection kept open.
        Assert.Equal((0, 1L), afterTags);
        Assert.Equal(1, statements.Value);
    }

    [Fact]
    public async Task TheNextRunsFacts_SeeTagsAddedSinceTheLast()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        await app.TagAsync(contactId, "vip");
        Assert.Equal(["vip"], Fact(await FactsAsync(contactId), "contact.tags").List);

        await app.TagAsync(contactId, "billing");

        // Ordered by tag, read again on a connection that stayed open since the last read.
        Assert.Equal(["billing", "vip"], Fact(await FactsAsync(contactId), "contact.tags").List);
    }

    [Fact]
    public async Task AMergedAwayContact_HasTheSurvivorsIdAndTags()
    {
        var survivor = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I am the survivor");
        var merged = await app.CustomerWritesOnInstagramAsync("I was merged");
        await app.TagAsync(survivor, "kept");
        await app.TagAsync(merged, "merged-away");
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.Contacts.Where(c => c.Id == merged).ExecuteUpdateAsync(s => s.SetProperty(c => c.MergedIntoId, survivor));
        }

        var facts = await FactsAsync(merged);

        Assert.Equal(["kept"], Fact(facts, "contact.tags").List);
        Assert.Equal(survivor.ToString(), Fact(facts, "contact.id").Text);
    }

    [Fact]
    public async Task AnUnknownContact_HasNoFactsOfAnyGroup()
    {
        var facts = await FactsAsync(Guid.NewGuid());

        Assert.False(facts.TryGetValue("contact.tags", out _));
        Assert.False(facts.TryGetValue("contact.display_name", out _));
        Assert.False(facts.TryGetValue("conversation.status", out _));
        Assert.False(facts.TryGetValue("contact.id", out _));
    }

    private Task<IFlowFacts> FactsAsync(Guid contactId) =>
        app.Services.GetRequiredService<IFlowFactsFactory>().CreateAsync(contactId, CancellationToken.None);

    private static FactValue Fact(IFlowFacts facts, string path) =>
        facts.TryGetValue(path, out var value) ? value : throw new KeyNotFoundException($"No fact '{path}'.");

    public sealed class CountingApp : ActivityAppFactory
    {
        public StatementCounter Statements { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.AddSingleton<IInterceptor>(Statements);
        }
    }

    /// <summary>Counts the statements run from one test's own flow of control (the app's background work runs its own).</summary>
    public sealed class StatementCounter : DbCommandInterceptor
    {
        private static readonly AsyncLocal<StrongBox<int>?> Here = new();

        /// <summary>Counts from now on, in the calling test's flow of control.</summary>
        public StrongBox<int> CountHere() => Here.Value = new StrongBox<int>();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Count();
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Count();
            return ValueTask.FromResult(result);
        }

        private static void Count()
        {
            if (Here.Value is { } counter)
            {
                Interlocked.Increment(ref counter.Value);
            }
        }
    }
}
