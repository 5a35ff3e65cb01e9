using System.Collections.Frozen;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>Checks a definition against the catalog and compiles it into a <see cref="CompiledFlow"/>.</summary>
public sealed class FlowCompiler(ActivityRegistry activities, LiquidTemplates liquid)
{
    /// <summary>Every catalog problem of <paramref name="flow"/>, with JSON pointers into its JSON form.</summary>
    public IReadOnlyList<FlowValidationError> Check(FlowDefinition flow) => new FlowChecker(activities, liquid).Check(flow).Errors;

    /// <exception cref="InvalidFlowException">The definition has errors; all of them are attached.</exception>
    public CompiledFlow Compile(FlowDefinition flow)
    {
        var check = new FlowChecker(activities, liquid).Check(flow);
        if (check.Errors.Count > 0)
        {
            throw new InvalidFlowException(flow.Id, flow.Version, check.Errors);
        }

        var nodes = new CompiledNode[flow.Nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = flow.Nodes[i];
            var ok = check.Nodes[i]!;
            nodes[i] = new CompiledNode(node, ok.Activity, ok.Inputs, InputTexts(node, ok.Activity.Descriptor), ok.State, ok.Ports!);
        }

        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var group in flow.Connections.GroupBy(c => c.Source.Node, StringComparer.Ordinal))
        {
            byId[group.Key].Connect(group
                .GroupBy(c => c.Source.Port, StringComparer.Ordinal)
                .ToFrozenDictionary(
                    port => port.Key,
                    port => port.Select(c => c.Target.Node).Distinct(StringComparer.Ordinal).Select(id => byId[id]).ToArray(),
                    StringComparer.Ordinal));
        }

        return new CompiledFlow(flow, nodes);
    }

    private static string?[] InputTexts(FlowNode node, ActivityDescriptor descriptor) =>
        descriptor.Inputs
            .Select(input => node.Inputs.TryGetValue(input.Name, out var value) ? value : input.Default)
            .Select(value => value is not { } json ? null : json.ValueKind == JsonValueKind.String ? json.GetString() : json.GetRawText())
            .ToArray();
}

/// <summary>A definition that does not validate cannot run.</summary>
public sealed class InvalidFlowException(string flowId, int version, IReadOnlyList<FlowValidationError> errors)
    : Exception($"Flow '{flowId}' v{version} is not valid: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}")
{
    public IReadOnlyList<FlowValidationError> Errors { get; } = errors;
}
