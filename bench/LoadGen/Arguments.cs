using System.Globalization;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary><c>--name value</c> pairs after the command word.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    public static Arguments Parse(IEnumerable<string> args)
    {
        var parsed = new Arguments();
        string? name = null;
        foreach (var arg in args)
        {
            if (name is null)
            {
                name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : throw new ArgumentException($"Expected --name, got '{arg}'.");
            }
            else
            {
                parsed.values[name] = arg;
                name = null;
            }
        }

        return name is null ? parsed : throw new ArgumentException($"--{name} needs a value.");
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public int[] Ints(string name, int[] fallback) =>
        values.TryGetValue(name, out var value)
            ? [.. value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : fallback;
}
