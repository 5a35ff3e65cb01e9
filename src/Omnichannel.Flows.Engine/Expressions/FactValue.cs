using System.Globalization;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>What kind of value a fact holds.</summary>
public enum FactKind
{
    /// <summary>No value (absent or null).</summary>
    None,
    Text,
    Number,
    Boolean,

    /// <summary>A list of texts, e.g. <c>contact.tags</c>.</summary>
    List,

    /// <summary>A point in time.</summary>
    Time,
}

/// <summary>
/// One fact's value as conditions and Liquid see it: text, number, boolean, a list of texts or a time. A small struct
/// so evaluating a condition allocates nothing.
/// </summary>
public readonly struct FactValue
{
    private readonly string? text;
    private readonly double number;
    private readonly IReadOnlyList<string>? list;
    private readonly DateTimeOffset time;

    private FactValue(FactKind kind, string? text = null, double number = 0, IReadOnlyList<string>? list = null, DateTimeOffset time = default)
    {
        Kind = kind;
        this.text = text;
        this.number = number;
        this.list = list;
        this.time = time;
    }

    public static FactValue None => default;

    public FactKind Kind { get; }

    public static FactValue From(string? value) => value is null ? default : new FactValue(FactKind.Text, text: value);

    public static FactValue From(double value) => new(FactKind.Number, number: value);

    public static FactValue From(bool value) => new(FactKind.Boolean, number: value ? 1 : 0);

    public static FactValue From(IReadOnlyList<string>? values) => values is null ? default : new FactValue(FactKind.List, list: values);

    public static FactValue From(DateTimeOffset value) => new(FactKind.Time, time: value);

    public string Text => Kind == FactKind.Text ? text! : throw new InvalidOperationException($"The fact is {Kind}, not text.");

    public double Number => Kind == FactKind.Number ? number : throw new InvalidOperationException($"The fact is {Kind}, not a number.");

    public bool Boolean => Kind == FactKind.Boolean ? number != 0 : throw new InvalidOperationException($"The fact is {Kind}, not a boolean.");

    public IReadOnlyList<string> List => Kind == FactKind.List ? list! : throw new InvalidOperationException($"The fact is {Kind}, not a list.");

    public DateTimeOffset Time => Kind == FactKind.Time ? time : throw new InvalidOperationException($"The fact is {Kind}, not a time.");

    /// <summary>No value, empty text or an empty list.</summary>
    public bool IsEmpty => Kind switch
    {
        FactKind.None => true,
        FactKind.Text => text!.Length == 0,
        FactKind.List => list!.Count == 0,
        _ => false,
    };

    /// <summary>The value as a number: a number, or text that reads as one (invariant culture).</summary>
    public bool TryGetNumber(out double value)
    {
        value = number;
        return Kind == FactKind.Number
               || (Kind == FactKind.Text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value));
    }

    /// <summary>The value as a boolean: a boolean, or the text <c>true</c>/<c>false</c>.</summary>
    public bool TryGetBoolean(out bool value)
    {
        value = number != 0;
        return Kind == FactKind.Boolean || (Kind == FactKind.Text && bool.TryParse(text, out value));
    }

    /// <summary>The value as a time: a time, or ISO 8601 text.</summary>
    public bool TryGetTime(out DateTimeOffset value)
    {
        value = time;
        return Kind == FactKind.Time
               || (Kind == FactKind.Text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value));
    }

    /// <summary>The value as Liquid and the journal print it (invariant culture; lists joined with ", ").</summary>
    public override string ToString() => Kind switch
    {
        FactKind.Text => text!,
        FactKind.Number => number.ToString(CultureInfo.InvariantCulture),
        FactKind.Boolean => number != 0 ? "true" : "false",
        FactKind.List => string.Join(", ", list!),
        FactKind.Time => time.ToString("O", CultureInfo.InvariantCulture),
        _ => "",
    };
}
