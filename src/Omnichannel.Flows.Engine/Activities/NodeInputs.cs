using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>A node's inputs after parsing, as <see cref="IActivity.Prepare"/> sees them.</summary>
public sealed class NodeInputs
{
    private readonly object?[] values;
    private readonly string nodePointer;
    private readonly ICollection<FlowValidationError> errors;

    internal NodeInputs(ActivityDescriptor descriptor, object?[] values, string nodePointer, ICollection<FlowValidationError> errors)
    {
        Descriptor = descriptor;
        this.values = values;
        this.nodePointer = nodePointer;
        this.errors = errors;
    }

    public ActivityDescriptor Descriptor { get; }

    internal object?[] Values => values;

    /// <summary>True when the input is set (or has a default) and parsed.</summary>
    public bool Has(string name) => values[Index(name)] is not null;

    public T Get<T>(string name) => values[Index(name)] is T value ? value : throw new InvalidOperationException($"Input '{name}' is not set.");

    public T? GetOrDefault<T>(string name) => values[Index(name)] is T value ? value : default;

    /// <summary>Reports a problem with one input (its pointer is <c>/nodes/i/inputs/name</c>).</summary>
    public void AddError(string inputName, string message) =>
        errors.Add(new($"{nodePointer}/inputs/{JsonPointers.Escape(inputName)}", message));

    private int Index(string name)
    {
        var index = Descriptor.IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"'{Descriptor.Type}' has no input '{name}'.", nameof(name));
    }
}
