using System.Globalization;
using System.Text.Json;
using Cronos;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>
/// Parses an input's JSON by its <see cref="InputKind"/> (or the descriptor's own <see cref="InputDescriptor.Parser"/>)
/// into what activities read at run time: Liquid parsed, durations as <see cref="TimeSpan"/>, conditions compiled.
/// The validator and the compiler both go through here, so what validates is what runs.
/// </summary>
internal static class InputParsers
{
    private static readonly string[] TimeFormats = ["HH:mm", "HH:mm:ss"];

    public static object? Parse(InputDescriptor input, JsonElement value, InputParseContext context)
    {
        if (input.Parser is { } parser)
        {
            return parser(value, context);
        }

        return input.Kind switch
        {
            InputKind.Text or InputKind.Channel or InputKind.Tag or InputKind.Template => Text(value, context),
            InputKind.Select => Select(input, value, context),
            InputKind.LiquidText => context.ParseLiquid(value),
            InputKind.Number => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : Fail(context, "Expected a number."),
            InputKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : Fail(context, "Expected true or false."),
            InputKind.Duration => Duration(value, context),
            InputKind.TimeOfDay => TimeOfDay(value, context),
            InputKind.TimeZone => TimeZone(value, context),
            InputKind.Cron => Cron(value, context),
            InputKind.Condition => ConditionParser.Parse(value, context.Pointer, context.Errors),
            InputKind.Cases => SwitchCases.Parse(value, context),
            _ => value.Clone(),
        };
    }

    private static string? Text(JsonElement value, InputParseContext context) =>
        value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0 ? value.GetString() : Fail<string>(context, "Expected non-empty text.");

    private static string? Select(InputDescriptor input, JsonElement value, InputParseContext context)
    {
        var options = input.Options ?? [];
        return value.ValueKind == JsonValueKind.String && options.Contains(value.GetString()!, StringComparer.Ordinal)
            ? value.GetString()
            : Fail<string>(context, $"Expected one of {string.Join(", ", options.Select(o => $"\"{o}\""))}.");
    }

    private static object? Duration(JsonElement value, InputParseContext context)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail(context, "Expected an ISO 8601 duration such as \"PT24H\".");
        }

        if (!IsoDuration.TryParse(value.GetString(), out var duration, out var error))
        {
            return Fail(context, error!);
        }

        return duration > TimeSpan.Zero ? duration : Fail(context, "A duration must be longer than zero.");
    }

    private static object? TimeOfDay(JsonElement value, InputParseContext context) =>
        value.ValueKind == JsonValueKind.String
        && TimeOnly.TryParseExact(value.GetString(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : Fail(context, "Expected a time of day such as \"09:00\".");

    private static TimeZoneInfo? TimeZone(JsonElement value, InputParseContext context) =>
        value.ValueKind == JsonValueKind.String && TimeZoneInfo.TryFindSystemTimeZoneById(value.GetString()!, out var zone)
            ? zone
            : Fail<TimeZoneInfo>(context, "Expected a time zone id such as \"Europe/Madrid\" or \"UTC\".");

    private static CronExpression? Cron(JsonElement value, InputParseContext context) =>
        value.ValueKind == JsonValueKind.String && CronExpression.TryParse(value.GetString()!, CronFormat.Standard, out var cron)
            ? cron
            : Fail<CronExpression>(context, "Expected a five-field cron expression such as \"0 9 * * 1-5\".");

    private static T? Fail<T>(InputParseContext context, string message) where T : class
    {
        context.AddError(message);
        return null;
    }

    private static object? Fail(InputParseContext context, string message) => Fail<object>(context, message);
}
