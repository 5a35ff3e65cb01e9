using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>
/// Everything the designer, the validator and the <c>GET /api/activities</c> catalog know about an activity: one
/// source of truth. Port names are stable: flows connect by them.
/// </summary>
public sealed class ActivityDescriptor
{
    private readonly FrozenDictionary<string, int> inputIndex;

    public ActivityDescriptor(
        string type, string category, string displayName, string description,
        IReadOnlyList<InputDescriptor> inputs, IReadOnlyList<string> ports)
    {
        Type = type;
        Category = category;
        DisplayName = displayName;
        Description = description;
        Inputs = inputs;
        Ports = ports;
        inputIndex = inputs.Select((input, index) => (input.Name, index)).ToFrozenDictionary(p => p.Name, p => p.index, StringComparer.Ordinal);
    }

    /// <summary>Dotted type name, e.g. <c>flow.condition</c>, <c>message.send</c>.</summary>
    public string Type { get; }

    public string Category { get; }

    public string DisplayName { get; }

    public string Description { get; }

    /// <summary>A trigger starts flows; it has no input port.</summary>
    public bool IsTrigger { get; init; }

    public IReadOnlyList<InputDescriptor> Inputs { get; }

    /// <summary>Fixed output ports (<c>done</c>; <c>true</c>/<c>false</c>; <c>replied</c>/<c>timedOut</c>…).</summary>
    public IReadOnlyList<string> Ports { get; }

    /// <summary>
    /// The <see cref="InputKind.Cases"/> input whose case names are output ports too (before <see cref="Ports"/>,
    /// which then holds <c>default</c>); null for activities with fixed ports only.
    /// </summary>
    public string? CasePortsInput { get; init; }

    /// <summary>Position of the input named <paramref name="name"/> in <see cref="Inputs"/>, or -1.</summary>
    public int IndexOf(string name) => inputIndex.TryGetValue(name, out var index) ? index : -1;

    [JsonIgnore]
    internal FrozenDictionary<string, int> InputIndex => inputIndex;
}
