using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Serialization;

namespace Omnichannel.Flows.Engine.Validation;

/// <summary>A node that passed the catalog checks: its activity, parsed inputs, prepared state and output ports.</summary>
/// <param name="Ports">Null when they could not be known (the cases input is broken): its connections are not checked.</param>
internal sealed record CheckedNode(IActivity Activity, NodeInputs Inputs, object? State, IReadOnlyList<string>? Ports, bool Valid);

/// <summary>The result of checking a definition against the catalog.</summary>
internal sealed record FlowCheck(IReadOnlyList<FlowValidationError> Errors, CheckedNode?[] Nodes);

/// <summary>
/// Checks a definition against the activity catalog and collects every problem with its JSON pointer: duplicate node
/// ids, unknown activity types, unknown/missing/malformed inputs, dangling connections (unknown node or port), a flow
/// without a trigger, nodes no trigger reaches.
/// </summary>
internal sealed class FlowChecker(ActivityRegistry activities, LiquidTemplates liquid)
{
    public FlowCheck Check(FlowDefinition flow)
    {
        var errors = new List<FlowValidationError>();
        var nodes = new CheckedNode?[flow.Nodes.Count];
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < flow.Nodes.Count; i++)
        {
            var node = flow.Nodes[i];
            if (!indexById.TryAdd(node.Id, i))
            {
                errors.Add(new($"/nodes/{i}/id", $"Node id '{node.Id}' is already used by /nodes/{indexById[node.Id]}."));
            }

            if (activities.TryGet(node.Type, out var activity))
            {
                nodes[i] = CheckNode(node, i, activity, errors);
            }
            else
            {
                errors.Add(new($"/nodes/{i}/type", $"Unknown activity type '{node.Type}'."));
            }
        }

        var next = CheckConnections(flow, indexById, nodes, errors);
        CheckReachability(flow, nodes, next, errors);
        return new FlowCheck(errors, nodes);
    }

    private CheckedNode CheckNode(FlowNode node, int index, IActivity activity, List<FlowValidationError> errors)
    {
        var descriptor = activity.Descriptor;
        var pointer = $"/nodes/{index}";
        var before = errors.Count;
        foreach (var name in node.Inputs.Keys)
        {
            if (descriptor.IndexOf(name) < 0)
            {
                errors.Add(new($"{pointer}/inputs/{JsonPointers.Escape(name)}", $"'{descriptor.Type}' has no input '{name}'."));
            }
        }

        var values = new object?[descriptor.Inputs.Count];
        for (var k = 0; k < values.Length; k++)
        {
            var input = descriptor.Inputs[k];
            var inputPointer = $"{pointer}/inputs/{JsonPointers.Escape(input.Name)}";
            if (!TryGetValue(node, input, out var raw))
            {
                if (input.Required)
                {
                    errors.Add(new(inputPointer, $"Required input '{input.Name}' is missing."));
                }

                continue;
            }

            var errorsBefore = errors.Count;
            values[k] = InputParsers.Parse(input, raw, new InputParseContext(inputPointer, liquid, errors));
            if (values[k] is null && errors.Count == errorsBefore)
            {
                // A parser that refuses a value says why; one that does not still must not let the node through.
                errors.Add(new(inputPointer, $"Not a valid value for '{input.Name}'."));
            }
        }

        var inputs = new NodeInputs(descriptor, values, pointer, errors);
        if (errors.Count != before)
        {
            return new CheckedNode(activity, inputs, null, PortsOf(descriptor, inputs), Valid: false);
        }

        object? state;
        try
        {
            state = activity.Prepare(inputs);
        }
        catch (Exception exception)
        {
            // An activity that cannot prepare what its parsers accepted is a bug in it; the flow still gets an answer.
            errors.Add(new(pointer, $"'{descriptor.Type}' cannot use these inputs: {exception.Message}"));
            return new CheckedNode(activity, inputs, null, PortsOf(descriptor, inputs), Valid: false);
        }

        return new CheckedNode(activity, inputs, state, PortsOf(descriptor, inputs), Valid: errors.Count == before);
    }

    private static bool TryGetValue(FlowNode node, InputDescriptor input, out JsonElement value)
    {
        if (node.Inputs.TryGetValue(input.Name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = input.Default ?? default;
        return input.Default is not null;
    }

    private static IReadOnlyList<string>? PortsOf(ActivityDescriptor descriptor, NodeInputs inputs)
    {
        if (descriptor.CasePortsInput is not { } casesInput)
        {
            return descriptor.Ports;
        }

        return inputs.GetOrDefault<IReadOnlyList<SwitchCase>>(casesInput) is { } cases
            ? [.. cases.Select(c => c.Name), .. descriptor.Ports]
            : null;
    }

    private static List<int>[] CheckConnections(
        FlowDefinition flow, Dictionary<string, int> indexById, CheckedNode?[] nodes, List<FlowValidationError> errors)
    {
        var next = new List<int>[flow.Nodes.Count];
        for (var j = 0; j < flow.Connections.Count; j++)
        {
            var (source, target) = (flow.Connections[j].Source, flow.Connections[j].Target);
            var pointer = $"/connections/{j}";
            var sourceOk = indexById.TryGetValue(source.Node, out var from);
            if (!sourceOk)
            {
                errors.Add(new($"{pointer}/source/node", $"No node '{source.Node}'."));
            }
            else if (nodes[from] is { Ports: { } ports } checkedSource && !ports.Contains(source.Port, StringComparer.Ordinal))
            {
                sourceOk = false;
                errors.Add(new($"{pointer}/source/port",
                    $"'{checkedSource.Activity.Descriptor.Type}' has no port '{source.Port}' (its ports: {(ports.Count == 0 ? "none" : string.Join(", ", ports))})."));
            }

            var targetOk = indexById.TryGetValue(target.Node, out var to);
            if (!targetOk)
            {
                errors.Add(new($"{pointer}/target/node", $"No node '{target.Node}'."));
            }
            else if (nodes[to]?.Activity.Descriptor.IsTrigger == true || target.Port != Endpoint.InputPort)
            {
                targetOk = false;
                errors.Add(new($"{pointer}/target/port", nodes[to]?.Activity.Descriptor.IsTrigger == true
                    ? $"'{target.Node}' is a trigger: it has no input port."
                    : $"A connection ends at the '{Endpoint.InputPort}' port, not '{target.Port}'."));
            }

            if (sourceOk && targetOk)
            {
                (next[from] ??= []).Add(to);
            }
        }

        return next;
    }

    private static void CheckReachability(FlowDefinition flow, CheckedNode?[] nodes, List<int>[] next, List<FlowValidationError> errors)
    {
        var reached = new bool[nodes.Length];
        var queue = new Queue<int>();
        for (var i = 0; i < nodes.Length; i++)
        {
            if (nodes[i]?.Activity.Descriptor.IsTrigger == true)
            {
                reached[i] = true;
                queue.Enqueue(i);
            }
        }

        if (queue.Count == 0)
        {
            errors.Add(new("/nodes", "The flow has no trigger: add one (e.g. 'message received', manual or schedule) to start it."));
            return;
        }

        while (queue.TryDequeue(out var current))
        {
            foreach (var target in next[current] ?? [])
            {
                if (!reached[target])
                {
                    reached[target] = true;
                    queue.Enqueue(target);
                }
            }
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            if (!reached[i])
            {
                errors.Add(new($"/nodes/{i}", $"Node '{flow.Nodes[i].Id}' is not reachable from any trigger."));
            }
        }
    }
}
