using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>The SQLite flavour, with its migrations in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteFlowsDbContext(DbContextOptions<SqliteFlowsDbContext> options) : FlowsDbContext(options);

/// <summary>The SQL Server flavour, with its migrations in <c>Data/Migrations/SqlServer</c>.</summary>
public sealed class SqlServerFlowsDbContext(DbContextOptions<SqlServerFlowsDbContext> options) : FlowsDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteFlowsDbContext</c> build the model without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFlowsDbContext>
{
    public SqliteFlowsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerFlowsDbContext>
{
    public SqlServerFlowsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerFlowsDbContext>()
            .UseSqlServer("Server=localhost;Database=Omnichannel;Trusted_Connection=True;TrustServerCertificate=True")
            .Options);
}
