using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// A path into <see cref="IFlowFacts"/> as Liquid sees it: <c>contact</c> then <c>contact.first_name</c>. A path with
/// no value of its own renders empty, is falsy and equals nil, but can still be navigated further (Fluid stops at a
/// real nil, so it is typed as an object).
/// </summary>
internal sealed class FactsFluidValue(IFlowFacts facts, string? path) : FluidValue
{
    public override FluidValues Type => FluidValues.Object;

    public override bool Equals(FluidValue other) => other.IsNil();

    public override bool ToBooleanValue() => false;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => "";

    public override object ToObjectValue() => null!;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
    {
        var member = path is null ? name : string.Concat(path, ".", name);
        return facts.TryGetValue(member, out var value) && value.Kind != FactKind.None
            ? ToFluid(value)
            : new FactsFluidValue(facts, member);
    }

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => default;

    [Obsolete("Fluid renders with WriteToAsync.")]
    public override void WriteTo(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
    }

    public override int GetHashCode() => path?.GetHashCode(StringComparison.Ordinal) ?? 0;

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    private static FluidValue ToFluid(FactValue value) => value.Kind switch
    {
        FactKind.Text => new StringValue(value.Text),
        FactKind.Number => NumberValue.Create((decimal)value.Number),
        FactKind.Boolean => BooleanValue.Create(value.Boolean),
        FactKind.List => new ArrayValue(value.List.Select(item => (FluidValue)new StringValue(item)).ToArray()),
        FactKind.Time => new DateTimeValue(value.Time),
        _ => NilValue.Instance,
    };
}
