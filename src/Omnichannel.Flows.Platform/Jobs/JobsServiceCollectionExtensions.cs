using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire in-process: in-memory storage on the embedded SQLite default (the database stays the source of truth
    /// for anything delayed and is re-read on start, see <see cref="JobsStartup"/>), SQL Server storage on SQL Server,
    /// where several instances share the queues.
    /// </summary>
    public static IServiceCollection AddFlowsJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

        // Storage and activator are per host, not Hangfire's static defaults, so that test hosts in one process stay apart.
        // Resolving IGlobalConfiguration first (as Hangfire's own registrations do) points Hangfire's static log provider
        // at this host's logger factory before the storage asks it for loggers, not at an earlier, disposed test host's.
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>();
            return database.Provider == DatabaseProvider.SqlServer
                ? new SqlServerStorage(configuration.GetConnectionString("Default"), new SqlServerStorageOptions
                {
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
                })
                : new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) });
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));

        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((sp, server) =>
        {
            var options = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = options.SchedulePollingInterval;
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
        });
        services.AddHostedService<JobsStartup>();
        return services;
    }
}
