using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>
/// What an activity sees during a step: its parsed inputs, the facts, the flow's variables, the clock and an
/// <see cref="IdempotencyKey"/> for every side effect. Inputs read through it are recorded in the journal as resolved.
/// </summary>
public sealed class StepContext
{
    private readonly FlowRun run;
    private CompiledNode node = null!;
    private WorkItem item;
    private Dictionary<string, string>? resolved;
    private string? idempotencyKey;

    internal StepContext(FlowRun run) => this.run = run;

    public string InstanceId => run.Instance.Id;

    public string FlowId => run.Flow.Id;

    public int FlowVersion => run.Flow.Version;

    /// <summary>Whom the instance runs for (a contact id), or null.</summary>
    public string? SubjectId => run.Instance.SubjectId;

    public CompiledNode Node => node;

    public string NodeId => node.Id;

    /// <summary>Which arrival at this node the step is (distinct per loop iteration).</summary>
    public long Activation => item.Activation;

    /// <summary>1 on the first try, +1 per retry of a faulted step.</summary>
    public int Attempt => item.Attempt;

    /// <summary>
    /// instance:node:activation:attempt — the same when a step is re-run after a crash, new on a retry. Pass it to
    /// every side effect (the outbox, a provider's idempotency header) so nothing happens twice.
    /// </summary>
    public string IdempotencyKey => idempotencyKey ??= $"{run.Instance.Id}:{node.Id}:{item.Activation}:{item.Attempt}";

    public DateTimeOffset Now => run.Time.GetUtcNow();

    public TimeProvider Time => run.Time;

    public CancellationToken CancellationToken => run.CancellationToken;

    /// <summary>Platform facts plus <c>flow.*</c> and <c>trigger.*</c>.</summary>
    public IFlowFacts Facts => run.Facts;

    public bool HasInput(string name) => node.InputAt(IndexOf(name)) is not null;

    /// <summary>A parsed input (literal, default applied); recorded in the journal as written.</summary>
    public T Input<T>(string name)
    {
        var index = IndexOf(name);
        if (node.InputAt(index) is not T value)
        {
            throw new InvalidOperationException($"Input '{name}' of node '{node.Id}' is not set or is not a {typeof(T).Name}.");
        }

        Record(name, node.InputTexts[index] ?? "");
        return value;
    }

    public T? OptionalInput<T>(string name) => HasInput(name) ? Input<T>(name) : default;

    /// <summary>Renders a Liquid text input (empty when unset); the rendered text goes to the journal.</summary>
    public string Render(string name) => node.InputAt(IndexOf(name)) is LiquidText text ? Render(text, name) : "";

    /// <summary>Renders a Liquid text the activity holds (e.g. a header value); recorded under <paramref name="journalName"/> if given.</summary>
    public string Render(LiquidText text, string? journalName = null)
    {
        var rendered = text.Render(run.Facts);
        if (journalName is not null)
        {
            Record(journalName, rendered);
        }

        return rendered;
    }

    /// <summary>Evaluates a condition input; its result goes to the journal.</summary>
    public bool Evaluate(string name)
    {
        var result = node.InputAt(IndexOf(name)) is Condition condition
            ? condition.Evaluate(run.Facts)
            : throw new InvalidOperationException($"Input '{name}' of node '{node.Id}' is not a condition.");
        Record(name, result ? "true" : "false");
        return result;
    }

    /// <summary>What the activity's <see cref="IActivity.Prepare"/> returned for this node.</summary>
    public T State<T>() => node.State is T state ? state : throw new InvalidOperationException($"Node '{node.Id}' has no prepared {typeof(T).Name}.");

    public bool TryGetVariable(string name, out JsonElement value) => run.Variables.TryGetValue(name, out value);

    /// <summary>Sets <c>flow.{name}</c>; kept only if the step does not fault.</summary>
    public void SetVariable(string name, JsonElement value)
    {
        run.Variables = run.Variables.SetItem(name, value.Clone());
        Record("flow." + name, value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
    }

    /// <summary>Adds a resolved value to this step's journal entry.</summary>
    public void Record(string name, string value) => (resolved ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;

    internal void Enter(CompiledNode current, WorkItem work)
    {
        node = current;
        item = work;
        resolved = null;
        idempotencyKey = null;
    }

    internal IReadOnlyDictionary<string, string> TakeResolved() => (IReadOnlyDictionary<string, string>?)resolved ?? System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    private int IndexOf(string name)
    {
        var index = node.Descriptor.IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"'{node.Descriptor.Type}' has no input '{name}'.", nameof(name));
    }
}
