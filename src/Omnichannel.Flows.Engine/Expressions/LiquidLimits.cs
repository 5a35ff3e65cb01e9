using System.Text;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// Bounds what one Liquid render may build, on top of Fluid's step limit (which counts statements and loop turns, not
/// sizes): a range such as <c>(1..100000000)</c> would otherwise be built whole before the first turn, and a text that
/// doubles itself a few dozen times outgrows the process. A render that goes past a bound fails
/// (<see cref="LiquidLimitException"/>), and the step that rendered it faults with the reason. Saved replies use the same
/// bounds.
/// </summary>
public static class LiquidLimits
{
    /// <summary>The longest text a render may produce or hold (a message, a CRM request's body).</summary>
    public const int MaxTextLength = 256 * 1024;

    /// <summary>The most items a range or a filter's list may have: a loop over more could not finish within the step limit.</summary>
    public const int MaxItems = LiquidTemplates.MaxSteps;

    /// <summary>
    /// <paramref name="parsed"/> with its ranges and captures bounded (a rewrite of its syntax tree); or why it is refused
    /// as it is written: a range whose bounds are numbers too far apart.
    /// </summary>
    public static bool TryBound(IFluidTemplate parsed, out IFluidTemplate bounded, out string? error)
    {
        var finder = new LiteralRangeFinder();
        finder.VisitTemplate(parsed);
        error = finder.TooLarge;
        bounded = error is null ? new Rewriter().VisitTemplate(parsed) : parsed;
        return error is null;
    }

    /// <summary>Every filter of <paramref name="filters"/> made to refuse a result text or list past the bounds.</summary>
    public static void BoundResults(FilterCollection filters)
    {
        foreach (var (name, filter) in filters.ToList())
        {
            filters.AddFilter(name, async (input, arguments, context) => Checked(name, await filter(input, arguments, context)));
        }
    }

    /// <summary>Renders <paramref name="template"/> into a text that may not outgrow <see cref="MaxTextLength"/>.</summary>
    public static string Render(IFluidTemplate template, TemplateContext context)
    {
        using var writer = new BoundedWriter("The text");
        // Facts are read synchronously, so a render completes at once; blocking is only the fallback.
        var rendering = template.RenderAsync(writer, NullEncoder.Default, context);
        if (!rendering.IsCompletedSuccessfully)
        {
            rendering.AsTask().GetAwaiter().GetResult();
        }

        return writer.ToString();
    }

    private static FluidValue Checked(string filter, FluidValue result) => result switch
    {
        StringValue text when text.ToStringValue().Length > MaxTextLength =>
            throw new LiquidLimitException($"'{filter}' made a text longer than {MaxTextLength:N0} characters."),
        ArrayValue list when list.Values.Count > MaxItems =>
            throw new LiquidLimitException($"'{filter}' made a list of more than {MaxItems:N0} items."),
        _ => result,
    };

    private static void CheckRange(int start, int end)
    {
        if ((long)end - start + 1 > MaxItems)
        {
            throw new LiquidLimitException($"The range ({start}..{end}) has more than {MaxItems:N0} items.");
        }
    }

    private sealed class Rewriter : AstRewriter
    {
        protected override Expression VisitRangeExpression(RangeExpression rangeExpression) =>
            new BoundedRange(Visit(rangeExpression.From), Visit(rangeExpression.To));

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement) =>
            new BoundedCapture(captureStatement.Identifier, [.. captureStatement.Statements.Select(Visit)]);
    }

    private sealed class LiteralRangeFinder : AstVisitor
    {
        public string? TooLarge { get; private set; }

        protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
        {
            if (rangeExpression is { From: LiteralExpression { Value: NumberValue from }, To: LiteralExpression { Value: NumberValue to } })
            {
                try
                {
                    CheckRange((int)from.ToNumberValue(), (int)to.ToNumberValue());
                }
                catch (LiquidLimitException exception)
                {
                    TooLarge ??= exception.Message;
                }
            }

            return base.VisitRangeExpression(rangeExpression);
        }
    }

    /// <summary><c>(from..to)</c>, refused past <see cref="MaxItems"/> before any of it is built.</summary>
    private sealed class BoundedRange(Expression from, Expression to) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var start = Convert.ToInt32((await from.EvaluateAsync(context)).ToNumberValue());
            var end = Convert.ToInt32((await to.EvaluateAsync(context)).ToNumberValue());
            CheckRange(start, end);
            var items = new FluidValue[Math.Max(0, end - start + 1)];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = NumberValue.Create(start + i);
            }

            return new ArrayValue(items);
        }
    }

    /// <summary><c>{% capture name %}…{% endcapture %}</c>, its text bounded while it is written (a loop inside may repeat it).</summary>
    private sealed class BoundedCapture(string identifier, IReadOnlyList<Statement> statements) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            await using var captured = new BoundedWriter($"The capture '{identifier}'");
            foreach (var statement in statements)
            {
                var completion = await statement.WriteToAsync(captured, encoder, context);
                if (completion != Completion.Normal)
                {
                    return completion;
                }
            }

            context.SetValue(identifier, new StringValue(captured.ToString()));
            return Completion.Normal;
        }
    }

    /// <summary>A text writer that refuses to grow past <see cref="MaxTextLength"/>.</summary>
    private sealed class BoundedWriter(string what) : StringWriter
    {
        private void Check(int adding)
        {
            if (GetStringBuilder().Length + adding > MaxTextLength)
            {
                throw new LiquidLimitException($"{what} grew longer than {MaxTextLength:N0} characters.");
            }
        }

        public override void Write(char value)
        {
            Check(1);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Check(count);
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void Write(string? value)
        {
            Check(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(StringBuilder? value)
        {
            Check(value?.Length ?? 0);
            base.Write(value);
        }

        public override Task WriteAsync(char value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(char[] buffer, int index, int count)
        {
            Write(buffer, index, count);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return Task.CompletedTask;
        }
    }
}

/// <summary>A Liquid render went past one of <see cref="LiquidLimits"/>' bounds.</summary>
public sealed class LiquidLimitException(string message) : InvalidOperationException(message);
