// MERGE NOTE — delete this file when feat/activities is merged. It stands in for the activities side of CONTRACT.md
// (Automation/Activities/IFlowFactsFactory.cs and AddAutomationActivities()) so hosting builds and runs on its own:
// the interface has the contract's exact shape, and the stub registers no activities and empty facts.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Hosting;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>Builds the facts a run reads (<c>contact.*</c>, <c>conversation.*</c>, <c>window.*</c>, <c>message.*</c>) for a contact.</summary>
public interface IFlowFactsFactory
{
    Task<IFlowFacts> CreateAsync(Guid? contactId, CancellationToken cancellationToken);
}

public static class PendingActivitiesContract
{
    /// <summary>Stub: the platform's activities and facts arrive with feat/activities.</summary>
    public static FlowEngineBuilder AddAutomationActivities(this FlowEngineBuilder engine)
    {
        engine.Services.TryAddSingleton<IFlowFactsFactory, NoFacts>();
        return engine;
    }

    private sealed class NoFacts : IFlowFactsFactory
    {
        public Task<IFlowFacts> CreateAsync(Guid? contactId, CancellationToken cancellationToken) => Task.FromResult(DictionaryFlowFacts.Empty);
    }
}
