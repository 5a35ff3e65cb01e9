namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary><c>flow.condition</c>: continues through <c>true</c> or <c>false</c>.</summary>
public sealed class ConditionActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.condition", "Flow", "Condition", "Takes the true or the false branch depending on a condition.",
        [new("condition", InputKind.Condition, "Condition", "All or any of field comparisons.") { Required = true }],
        [Ports.True, Ports.False]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) =>
        ValueTask.FromResult(ActivityOutcome.Continue(context.Evaluate("condition") ? Ports.True : Ports.False));
}

/// <summary>
/// <c>flow.switch</c>: one port per case (named by the case) plus <c>default</c>; the first matching case wins. A case
/// matches by its condition, or by the switch's rendered <c>value</c> equalling the case's value (ignoring case).
/// </summary>
public sealed class SwitchActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.switch", "Flow", "Switch", "Takes the first case that matches, or default.",
        [
            new("value", InputKind.LiquidText, "Value", "What cases with a value compare with, e.g. {{ contact.fields.plan }}."),
            new("cases", InputKind.Cases, "Cases", "Each case is a port: matched by a condition or by a value.") { Required = true },
        ],
        [Ports.Default]) { CasePortsInput = "cases" };

    public object? Prepare(NodeInputs inputs)
    {
        if (!inputs.Has("value") && inputs.Get<IReadOnlyList<SwitchCase>>("cases").Any(c => c.Value is not null))
        {
            inputs.AddError("value", "Cases that match by value need the switch's 'value'.");
        }

        return null;
    }

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var value = context.HasInput("value") ? context.Render("value") : null;
        foreach (var candidate in context.Input<IReadOnlyList<SwitchCase>>("cases"))
        {
            var matches = candidate.Condition is { } condition
                ? condition.Evaluate(context.Facts)
                : string.Equals(value?.Trim(), candidate.Value, StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                return ValueTask.FromResult(ActivityOutcome.Continue(candidate.Name));
            }
        }

        return ValueTask.FromResult(ActivityOutcome.Continue(Ports.Default));
    }
}

/// <summary><c>flow.setVariable</c>: sets <c>flow.{name}</c> to a rendered text.</summary>
public sealed class SetVariableActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "flow.setVariable", "Flow", "Set variable", "Stores a value the rest of the flow reads as flow.<name>.",
        [
            new("name", InputKind.Text, "Name", "Letters, digits and _.") { Required = true, Parser = BuiltInInputs.VariableName },
            new("value", InputKind.LiquidText, "Value", "Text, may use Liquid.") { Required = true },
        ],
        [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var value = context.Render("value");
        context.SetVariable(context.Input<string>("name"), BuiltInInputs.Json(value));
        return ValueTask.FromResult(ActivityOutcome.Done);
    }
}

/// <summary><c>flow.end</c>: finishes the instance, dropping other branches and waits.</summary>
public sealed class EndActivity : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new("flow.end", "Flow", "End", "Finishes the flow, including its other branches.", [], []);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.End());
}
