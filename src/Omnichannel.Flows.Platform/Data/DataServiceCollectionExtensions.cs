using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Omnichannel.Flows.Platform.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FlowsDbContext"/> (scoped) and <see cref="IDbContextFactory{FlowsDbContext}"/> on the
    /// configured provider, and migrates the database when the host starts.
    /// </summary>
    public static IServiceCollection AddFlowsData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var dataPath = Path.GetFullPath(options.DataPath, environment.ContentRootPath);
        services.AddSingleton(new DataFolder(dataPath));
        services.AddSingleton<DatabaseWriteGate>();
        services.AddSingleton<DeferredLogSync>();
        services.AddSingleton<PlainReads>();
        services.AddSingleton<WriterPageCache>();

        var connectionString = configuration.GetConnectionString("Default");
        if (options.Provider == DatabaseProvider.SqlServer)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:Default is not set.");
            }

            // No retrying execution strategy (EnableRetryOnFailure): it refuses EF's queries and saves inside a transaction
            // begun outside it, and the app begins its own (processing slices with savepoints, claims, the outboxes,
            // merges). A transient failure fails that unit, which is redone: leases run out, jobs and passes retry,
            // providers redeliver webhooks.
            services.AddProviderContext<SqlServerFlowsDbContext>(o => o.UseSqlServer(connectionString));
        }
        else
        {
            connectionString = SqliteConnectionString(connectionString, dataPath);
            var settings = new SqliteConnectionSettings(TimeSpan.FromSeconds(30), options);
            // A list a query filters by (ids.Contains(row.Id)) goes as one JSON parameter (json_each), not as one
            // parameter per item: SQLite looks each named parameter up among all of the statement's, so binding n of them
            // costs n² comparisons, and every list length is another statement text to prepare.
            services.AddProviderContext<SqliteFlowsDbContext>(o => o.UseSqlite(connectionString,
                    sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(new SqliteConnectionsWithoutEfFunctions(), settings));
        }

        services.AddHostedService<DatabaseMigrator>();
        // After the migrator (it sets WAL mode), and stopped after every writer registered later.
        services.AddHostedService<WalCheckpointer>();
        return services;
    }

    private static string SqliteConnectionString(string? configured, string dataPath)
    {
        var builder = new SqliteConnectionStringBuilder(configured ?? $"Data Source={Path.Combine(dataPath, "omnichannel.db")}")
        {
            // The shared cache would serialise every connection; WAL (set by the migrator) gives concurrent readers.
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        };
        var file = Path.GetFullPath(builder.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        builder.DataSource = file;
        return builder.ToString();
    }

    private static void AddProviderContext<TContext>(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : FlowsDbContext
    {
        // Interceptors other capabilities register (as IInterceptor) apply to every context.
        services.AddPooledDbContextFactory<TContext>((sp, options) =>
        {
            configure(options);
            options.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddSingleton<IDbContextFactory<FlowsDbContext>, FlowsDbContextFactory<TContext>>();
        services.AddScoped<FlowsDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    private sealed class FlowsDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<FlowsDbContext>
        where TContext : FlowsDbContext
    {
        public FlowsDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>The app's data folder (absolute).</summary>
public sealed record DataFolder(string Path);
