using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Tests.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// How the background claims commit: a claim is a lease and a dispatched mark is redone harmlessly, so they leave
/// syncing SQLite's log to the next synced commit (<c>synchronous = NORMAL</c>, <c>DeferredLogSync</c>). The webhook's
/// own commit, which its 200 answer promises, commits the same way in its write turn and is flushed to disk after it,
/// before the answer (<c>DeferredLogSync.FlushLog</c>).
/// </summary>
public sealed class ClaimsSyncTests(ClaimsSyncTests.App app) : IClassFixture<ClaimsSyncTests.App>
{
    [Fact]
    public async Task ClaimsAndTheDispatchedMark_CommitUnsynced_TheWebhooksDeliveryFlushedBeforeItsAnswer()
    {
        var logSync = app.Services.GetRequiredService<DeferredLogSync>();
        var flushesBefore = logSync.LogFlushes;
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        Assert.True(logSync.LogFlushes > flushesBefore, "The webhook was answered before the log was flushed.");
        await app.WaitForEventsDispatchedAsync(contactId);

        var seen = app.Statements.Seen;
        Assert.Equal([SyncModes.Normal], seen.GetValueOrDefault(SynchronousByStatement.StoreDelivery, []).Distinct());
        Assert.Equal([SyncModes.Normal], seen.GetValueOrDefault(SynchronousByStatement.ClaimDeliveries, []).Distinct());
        Assert.Equal([SyncModes.Normal], seen.GetValueOrDefault(SynchronousByStatement.ClaimEvents, []).Distinct());
        Assert.Equal([SyncModes.Normal], seen.GetValueOrDefault(SynchronousByStatement.MarkEventsDispatched, []).Distinct());
    }

    public sealed class App : AutomationAppFactory
    {
        public SynchronousByStatement Statements { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Statements);
    }
}

/// <summary>Reads the connection's <c>synchronous</c> setting just before each statement of interest runs.</summary>
public sealed class SynchronousByStatement : DbCommandInterceptor
{
    public const string StoreDelivery = "store a webhook delivery";
    public const string ClaimDeliveries = "claim deliveries";
    public const string ClaimEvents = "claim automation events";
    public const string MarkEventsDispatched = "mark automation events dispatched";

    public ConcurrentDictionary<string, List<long>> Seen { get; } = new();

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        var text = command.CommandText;
        string? statement =
            // The batch's duplicate check, on the connection its rows are then inserted on (by prepared statements, unseen here).
            text.StartsWith("SELECT \"i\".\"DedupeKey\"", StringComparison.Ordinal) && text.Contains("FROM \"InboundEvents\"", StringComparison.Ordinal) ? StoreDelivery
            : text.Contains("UPDATE \"InboundEvents\"", StringComparison.Ordinal) && text.Contains("\"LockedBy\" = ", StringComparison.Ordinal) ? ClaimDeliveries
            : text.Contains("UPDATE \"AutomationEvents\"", StringComparison.Ordinal) && text.Contains("\"DispatchedAt\" = ", StringComparison.Ordinal) ? MarkEventsDispatched
            : text.Contains("UPDATE \"AutomationEvents\"", StringComparison.Ordinal) && text.Contains("\"LockedBy\" = ", StringComparison.Ordinal) ? ClaimEvents
            : null;
        if (statement is null || command.Connection is not { } connection)
        {
            return;
        }

        var mode = SyncModes.Of(connection, command.Transaction);
        var modes = Seen.GetOrAdd(statement, _ => []);
        lock (modes)
        {
            modes.Add(mode);
        }
    }
}
