using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Hosting;

/// <summary>
/// <c>services.AddFlowEngine().AddActivity&lt;SendMessageActivity&gt;()</c>: the engine's services and built-in
/// activities. The platform registers <see cref="IFlowStore"/>, <see cref="IFlowDefinitionStore"/> and
/// <see cref="IFlowTimerScheduler"/>, and may replace <see cref="IFlowInstanceLocks"/> (in-process by default) and
/// configure the HTTP activity's client (<see cref="HttpRequestActivity.ClientName"/>).
/// </summary>
public static class FlowEngineServiceCollectionExtensions
{
    public static FlowEngineBuilder AddFlowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpRequestActivity.ClientName);
        services.TryAddSingleton<IFlowInstanceLocks, LocalFlowInstanceLocks>();
        services.TryAddSingleton<LiquidTemplates>();
        services.TryAddSingleton<FlowSchema>();
        services.TryAddSingleton(sp => new ActivityRegistry(sp.GetServices<IActivity>()));
        services.TryAddSingleton<FlowCompiler>();
        services.TryAddSingleton<FlowValidator>();
        services.TryAddSingleton<CompiledFlowCache>();
        services.TryAddSingleton<FlowRunner>();
        var builder = new FlowEngineBuilder(services);
        builder.AddActivity<ManualTriggerActivity>().AddActivity<ScheduleTriggerActivity>()
            .AddActivity<ConditionActivity>().AddActivity<SwitchActivity>().AddActivity<SetVariableActivity>().AddActivity<EndActivity>()
            .AddActivity<WaitActivity>().AddActivity<WaitUntilActivity>().AddActivity<WaitForReplyActivity>()
            .AddActivity<HttpRequestActivity>();
        return builder;
    }
}

/// <summary>Adds activities to the engine's catalog.</summary>
public sealed class FlowEngineBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers <typeparamref name="TActivity"/> (a singleton: activities are stateless).</summary>
    public FlowEngineBuilder AddActivity<TActivity>() where TActivity : class, IActivity
    {
        Services.AddSingleton<IActivity, TActivity>();
        return this;
    }
}
