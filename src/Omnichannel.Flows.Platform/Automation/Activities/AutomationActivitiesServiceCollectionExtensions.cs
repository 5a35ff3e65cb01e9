using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnichannel.Flows.Engine.Hosting;

namespace Omnichannel.Flows.Platform.Automation.Activities;

public static class AutomationActivitiesServiceCollectionExtensions
{
    /// <summary>
    /// The platform's triggers and actions in the engine's catalog, the facts flows read (<see cref="IFlowFactsFactory"/>)
    /// and what the actions use. Hosting's <c>AddAutomation()</c> calls it after <c>AddFlowEngine()</c>; calling it twice
    /// registers nothing twice.
    /// </summary>
    public static FlowEngineBuilder AddAutomationActivities(this FlowEngineBuilder engine)
    {
        var services = engine.Services;
        if (services.Any(d => d.ServiceType == typeof(AutomationActivitiesMarker)))
        {
            return engine;
        }

        services.AddSingleton<AutomationActivitiesMarker>();
        services.TryAddSingleton<IFlowFactsFactory, ContactFactsFactory>();
        services.TryAddSingleton<IPublishedFlows, ProbingPublishedFlows>();
        services.TryAddScoped<PreferredChannel>();
        services.TryAddScoped<RoundRobin>();

        return engine
            .AddActivity<MessageReceivedTriggerActivity>()
            .AddActivity<TagAddedTriggerActivity>()
            .AddActivity<TagRemovedTriggerActivity>()
            .AddActivity<ContactCreatedTriggerActivity>()
            .AddActivity<SendFailedTriggerActivity>()
            .AddActivity<ConversationIdleTriggerActivity>()
            .AddActivity<WindowClosingTriggerActivity>()
            .AddActivity<WindowClosedTriggerActivity>()
            .AddActivity<SendMessageActivity>()
            .AddActivity<SendTemplateActivity>()
            .AddActivity<AddTagActivity>()
            .AddActivity<RemoveTagActivity>()
            .AddActivity<SetFieldActivity>()
            .AddActivity<AssignConversationActivity>()
            .AddActivity<AddNoteActivity>()
            .AddActivity<CloseConversationActivity>()
            .AddActivity<ReopenConversationActivity>()
            .AddActivity<StartFlowActivity>();
    }

    /// <summary>The same, for callers holding the service collection (the engine itself is added by <c>AddFlowEngine()</c>).</summary>
    public static IServiceCollection AddAutomationActivities(this IServiceCollection services)
    {
        new FlowEngineBuilder(services).AddAutomationActivities();
        return services;
    }

    private sealed class AutomationActivitiesMarker;
}
