using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// Parses Liquid texts once (per definition version, when a flow is compiled) into <see cref="LiquidText"/>s that
/// render against a flow's facts. Liquid cannot run code: members resolve only through <see cref="IFlowFacts"/>, never
/// through .NET objects, and each render is bounded by a step limit and by what it may build (<see cref="LiquidLimits"/>).
/// </summary>
public sealed class LiquidTemplates
{
    /// <summary>Loop iterations and statements one render may take before it is stopped.</summary>
    public const int MaxSteps = 10_000;

    private static readonly Regex FileTags = new(@"\{%-?\s*(include|render)\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private readonly FluidParser parser = new();
    private readonly TemplateOptions options;

    public LiquidTemplates(TimeProvider time)
    {
        options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = 20,
            CultureInfo = System.Globalization.CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            Now = time.GetUtcNow,
        };
        options.Filters.AddFilter("default", Default);
        LiquidLimits.BoundResults(options.Filters);
    }

    /// <summary>
    /// Liquid's <c>default</c>, knowing that a fact with no value is not Fluid's nil (it stays navigable, see
    /// <see cref="FactsFluidValue"/>): <c>{{ contact.first_name | default: contact.display_name | default: "there" }}</c>
    /// falls through every missing or empty value. <c>allow_false: true</c> keeps a false, as in Liquid.
    /// </summary>
    private static ValueTask<FluidValue> Default(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var keepFalse = arguments["allow_false"].ToBooleanValue();
        var blank = input is FactsFluidValue
            || input.IsNil()
            || (input is StringValue && input.ToStringValue().Length == 0)
            || (input is ArrayValue array && array.Values.Count == 0)
            || (input is BooleanValue && !input.ToBooleanValue() && !keepFalse);
        return ValueTask.FromResult(blank ? arguments.At(0) : input);
    }

    /// <summary>Parses <paramref name="source"/>; text without <c>{{</c> or <c>{%</c> is kept as a literal and never rendered.</summary>
    public bool TryParse(string source, out LiquidText text, out string? error)
    {
        error = null;
        if (!source.Contains("{{", StringComparison.Ordinal) && !source.Contains("{%", StringComparison.Ordinal))
        {
            text = new LiquidText(source, null, options);
            return true;
        }

        if (FileTags.IsMatch(source))
        {
            text = null!;
            error = "Liquid 'include' and 'render' read files; flows cannot use them.";
            return false;
        }

        if (parser.TryParse(source, out var template, out var message))
        {
            if (!LiquidLimits.TryBound(template, out var bounded, out error))
            {
                text = null!;
                return false;
            }

            text = new LiquidText(source, bounded, options);
            return true;
        }

        text = null!;
        error = $"Liquid does not parse: {message.ReplaceLineEndings(" ").Trim()}";
        return false;
    }
}

/// <summary>A parsed Liquid text. Thread-safe: one instance renders for every run of its definition version.</summary>
public sealed class LiquidText
{
    private readonly IFluidTemplate? template;
    private readonly TemplateOptions options;

    internal LiquidText(string source, IFluidTemplate? template, TemplateOptions options)
    {
        Source = source;
        this.template = template;
        this.options = options;
    }

    public string Source { get; }

    /// <summary>True when the text has no Liquid and renders as itself.</summary>
    public bool IsLiteral => template is null;

    /// <summary>Renders over <paramref name="facts"/>; a missing value renders as empty text.</summary>
    /// <exception cref="LiquidRenderException">The template went past its step limit or failed.</exception>
    public string Render(IFlowFacts facts)
    {
        if (template is null)
        {
            return Source;
        }

        var context = new TemplateContext(new FactsFluidValue(facts, null), options, allowModelMembers: false);
        try
        {
            return LiquidLimits.Render(template, context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new LiquidRenderException($"The Liquid text could not be rendered: {exception.Message}", exception);
        }
    }

    public override string ToString() => Source;
}

/// <summary>A Liquid text failed while rendering (e.g. it ran past its step limit).</summary>
public sealed class LiquidRenderException(string message, Exception inner) : Exception(message, inner);
