using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>SQL Server cannot run on the build machines; its migration set must still compile to a complete script.</summary>
public sealed class SqlServerMigrationsTests
{
    [Fact]
    public void SqlServerMigrations_GenerateAnIdempotentScriptForTheWholeModel()
    {
        var options = new DbContextOptionsBuilder<SqlServerFlowsDbContext>()
            .UseSqlServer("Server=unused;Database=Omnichannel;TrustServerCertificate=True")
            .Options;
        using var db = new SqlServerFlowsDbContext(options);

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes without a SQL Server migration: run scripts/add-migration.sh.");
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
            Assert.Contains($"CREATE TABLE [{table}]", script, StringComparison.Ordinal);
        }

        Assert.Contains("[ExternalId] IS NOT NULL", script, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSqlServerContext_AllowsTheTransactionsTheAppBegins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:Default"] = "Server=unused;Database=Omnichannel;TrustServerCertificate=True",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddFlowsData(configuration, new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        using var provider = services.BuildServiceProvider();
        using var db = provider.GetRequiredService<IDbContextFactory<FlowsDbContext>>().CreateDbContext();

        // A retrying strategy throws on the first query of a transaction begun outside it (processing, claims, outboxes).
        Assert.IsType<SqlServerFlowsDbContext>(db);
        Assert.False(db.Database.CreateExecutionStrategy().RetriesOnFailure);
    }

    [Fact]
    public void SqliteMigrations_CoverTheModel()
    {
        using var db = new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes without a SQLite migration: run scripts/add-migration.sh.");
    }
}
