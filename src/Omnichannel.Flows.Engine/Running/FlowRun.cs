using System.Collections.Immutable;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>One slice of work on one instance (start, resume, retry) while its lock is held: the mutable side of a run.</summary>
internal sealed class FlowRun
{
    public FlowRun(CompiledFlow flow, FlowInstance instance, IFlowFacts platformFacts, TimeProvider time, CancellationToken cancellationToken)
    {
        Flow = flow;
        Instance = instance;
        Variables = instance.Variables;
        PlatformFacts = platformFacts;
        Time = time;
        CancellationToken = cancellationToken;
        Facts = new RunFacts(this);
        Context = new StepContext(this);
    }

    public CompiledFlow Flow { get; }

    /// <summary>The latest snapshot; replaced after every step.</summary>
    public FlowInstance Instance { get; set; }

    /// <summary>Variables as the current step changes them; folded into the next snapshot.</summary>
    public ImmutableDictionary<string, JsonElement> Variables { get; set; }

    public IFlowFacts PlatformFacts { get; }

    public IFlowFacts Facts { get; }

    public TimeProvider Time { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Reused for every step of the slice.</summary>
    public StepContext Context { get; }

    /// <summary>Timers created in this slice, scheduled once the slice is durable.</summary>
    public List<Bookmark>? NewTimers { get; set; }
}
