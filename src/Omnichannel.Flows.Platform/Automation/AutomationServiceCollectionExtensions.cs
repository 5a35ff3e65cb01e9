using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Hosting;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Automation.Locks;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Automation.Timers;
using Omnichannel.Flows.Platform.Automation.WarmUp;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

public static class AutomationServiceCollectionExtensions
{
    /// <summary>
    /// The flow engine hosted in the platform: the engine and the platform's activities, the EF Core stores (group
    /// commit), the automation event dispatcher, the timer pump and its Hangfire jobs, and the definitions lifecycle.
    /// </summary>
    public static IServiceCollection AddAutomation(this IServiceCollection services)
    {
        services.AddOptions<AutomationOptions>().BindConfiguration(AutomationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Before the engine, whose in-process default is only added when no lock is registered.
        services.AddSingleton<LeasedFlowInstanceLocks>();
        services.AddSingleton<IFlowInstanceLocks>(sp => UsesDatabaseLocks(sp)
            ? sp.GetRequiredService<LeasedFlowInstanceLocks>()
            : new LocalFlowInstanceLocks());
        services.AddSingleton<IPublishedFlows, PublishedFlows>();
        services.AddFlowEngine().AddAutomationActivities();
        services.AddHttpClient(HttpRequestActivity.ClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AutomationOptions>>().Value;
            return new SocketsHttpHandler
            {
                MaxConnectionsPerServer = options.HttpConnectionsPerHost,
                ConnectCallback = new HttpStepConnections(options).ConnectAsync,
            };
        });

        // The store's writer is registered first so that, hosted services stopping in reverse order, it stops last and
        // writes what the pumps' final work queued.
        services.AddSingleton<FlowStoreWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowStoreWriter>());
        services.AddSingleton<IFlowStore, EfFlowStore>();
        services.AddSingleton<IFlowDefinitionStore, EfFlowDefinitionStore>();

        services.AddSingleton<AutomationSignals>();
        services.AddSingleton<TriggerIndex>();
        services.AddScoped<FlowRuns>();
        services.AddSingleton<IInterceptor, StepWritesInTurn>();
        services.AddScoped<FlowDefinitions>();
        services.AddSingleton<FlowDefinitionQueries>();
        services.AddSingleton<FlowRunQueries>();
        services.AddScoped<FaultedRunRetries>();
        services.AddScoped<DisabledFlowRuns>();
        services.AddScoped<FlowRunActions>();
        services.AddScoped<ManualRunStarts>();

        services.AddSingleton<ScheduleTriggerSync>();
        services.AddSingleton<TimeTriggerArming>();
        services.AddSingleton<FlowTimerPump>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowTimerPump>());
        services.AddSingleton<IFlowTimerScheduler, PumpedFlowTimerScheduler>();
        services.AddScoped<FlowTimerJob>();
        services.AddScoped<AutomationRetention>();
        services.AddSingleton<FlowWarmUp>();

        services.AddSingleton<AutomationEventDispatcher>();
        services.AddSingleton<AutomationEventSignal>();
        services.AddSingleton<IInterceptor, AutomationEventsCommitted>();
        services.AddHostedService<AutomationEventPump>();
        return services;
    }

    private static bool UsesDatabaseLocks(IServiceProvider services) =>
        services.GetRequiredService<IOptions<AutomationOptions>>().Value.InstanceLocks switch
        {
            InstanceLockMode.Database => true,
            InstanceLockMode.Local => false,
            _ => services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.SqlServer,
        };
}
