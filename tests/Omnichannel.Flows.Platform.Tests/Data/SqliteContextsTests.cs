using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>How the app's SQLite contexts (<see cref="DataServiceCollectionExtensions.AddFlowsData"/>) talk to the file.</summary>
public sealed class SqliteContextsTests : IAsyncDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "omnichannel-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider services;

    public SqliteContextsTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:DataPath"] = folder })
            .Build();
        services = new ServiceCollection().AddLogging()
            .AddFlowsData(configuration, new Environment(folder))
            .BuildServiceProvider();
    }

    [Fact]
    public async Task TheAppsContexts_OpenConnectionsWithoutEfCoresFunctions_AndStillReadAndWrite()
    {
        var dbs = services.GetRequiredService<IDbContextFactory<FlowsDbContext>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            db.Teams.Add(new Team { Name = "Support", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        // Every query opens and closes the pooled connection again: reading back goes through both.
        await using var next = await dbs.CreateDbContextAsync();
        Assert.Equal(["Support"], await next.Teams.Select(t => t.Name).ToListAsync());
        Assert.Equal(1, await next.Teams.CountAsync(t => t.Name.StartsWith("Sup")));

        await next.Database.OpenConnectionAsync();
        await using var command = next.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT regexp('S.*', 'Support')";
        var missing = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync());
        Assert.Contains("no such function: regexp", missing.Message);
    }

    [Fact]
    public async Task AListAQueryFiltersBy_GoesAsOneJsonParameter_WhateverItsLength()
    {
        var dbs = services.GetRequiredService<IDbContextFactory<FlowsDbContext>>();
        await using var db = await dbs.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        Team[] teams = [.. new[] { "VIP", "Billing", "Support" }.Select(name => new Team { Name = name, CreatedAt = DateTime.UtcNow })];
        db.Teams.AddRange(teams);
        await db.SaveChangesAsync();

        Guid[] ids = [teams[0].Id, .. Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()), teams[2].Id];
        var query = db.Teams.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderBy(t => t.Name).Select(t => t.Name);

        Assert.Equal(["Support", "VIP"], await query.ToListAsync());
        var sql = query.ToQueryString();
        Assert.Contains("json_each(@ids)", sql);
        Assert.DoesNotContain("@ids1", sql);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "Omnichannel.Flows.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
