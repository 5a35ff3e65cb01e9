using System.Globalization;
using System.Text.Json;
using Cronos;

namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary>
/// <c>flow.waitUntil</c>: waits until the next time of day, or until business hours (continuing at once when they are
/// open), in a time zone. Occurrences come from Cronos, which handles daylight-saving gaps and overlaps.
/// </summary>
public sealed class WaitUntilActivity : IActivity
{
    public const string TimeOfDay = "timeOfDay";
    public const string BusinessHours = "businessHours";

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public ActivityDescriptor Descriptor { get; } = new(
        "flow.waitUntil", "Timing", "Wait until", "Waits until a time of day, or until business hours are open.",
        [
            new("until", InputKind.Select, "Until", "A time of day, or business hours.") { Options = [TimeOfDay, BusinessHours], Default = BuiltInInputs.Json(TimeOfDay) },
            new("time", InputKind.TimeOfDay, "Time", "For a time of day: e.g. 09:30."),
            new("opens", InputKind.TimeOfDay, "Opens", "Business hours start.") { Default = BuiltInInputs.Json("09:00") },
            new("closes", InputKind.TimeOfDay, "Closes", "Business hours end.") { Default = BuiltInInputs.Json("17:00") },
            new("days", InputKind.Json, "Days", "Days it applies to: [\"mon\", …, \"sun\"].")
            {
                Default = BuiltInInputs.Json(new[] { "mon", "tue", "wed", "thu", "fri" }),
                Parser = ParseDays,
            },
            new("timeZone", InputKind.TimeZone, "Time zone", "The zone the times are read in.") { Default = BuiltInInputs.Json("UTC") },
        ],
        [Ports.Done]);

    public object? Prepare(NodeInputs inputs)
    {
        var days = inputs.Get<DayOfWeek[]>("days");
        var zone = inputs.Get<TimeZoneInfo>("timeZone");
        var cronDays = string.Join(',', days.Select(d => (int)d));
        if (inputs.Get<string>("until") == TimeOfDay)
        {
            if (!inputs.Has("time"))
            {
                inputs.AddError("time", "Waiting until a time of day needs the time.");
                return null;
            }

            return new Plan(Cron(inputs.Get<TimeOnly>("time"), cronDays), zone, null);
        }

        var (opens, closes) = (inputs.Get<TimeOnly>("opens"), inputs.Get<TimeOnly>("closes"));
        if (closes <= opens)
        {
            inputs.AddError("closes", "Business hours must close after they open.");
            return null;
        }

        return new Plan(Cron(opens, cronDays), zone, new Hours(opens, closes, days));
    }

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var plan = context.State<Plan>();
        var now = context.Now;
        if (plan.Hours is { } hours && hours.AreOpen(TimeZoneInfo.ConvertTime(now, plan.Zone)))
        {
            context.Record("dueAt", "open now");
            return ValueTask.FromResult(ActivityOutcome.Done);
        }

        if (plan.Next.GetNextOccurrence(now, plan.Zone) is not { } due)
        {
            return ValueTask.FromResult(ActivityOutcome.Fault("The time never comes."));
        }

        context.Record("dueAt", due.ToString("O", CultureInfo.InvariantCulture));
        return ValueTask.FromResult(ActivityOutcome.Suspend(BookmarkRequest.Timer(due, Ports.Done)));
    }

    private static CronExpression Cron(TimeOnly at, string days) =>
        CronExpression.Parse(string.Create(CultureInfo.InvariantCulture, $"{at.Second} {at.Minute} {at.Hour} * * {days}"), CronFormat.IncludeSeconds);

    private static object? ParseDays(JsonElement value, InputParseContext context)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            context.AddError("Expected a non-empty array of days: \"mon\" … \"sun\".");
            return null;
        }

        var days = new List<DayOfWeek>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var day = item.ValueKind == JsonValueKind.String ? Array.IndexOf(DayNames, item.GetString()!.ToLowerInvariant()) : -1;
            if (day < 0)
            {
                context.AddError("Expected a day: \"mon\" … \"sun\".", index.ToString(CultureInfo.InvariantCulture));
            }
            else if (days.Contains((DayOfWeek)day))
            {
                context.AddError($"'{DayNames[day]}' is already in the list.", index.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                days.Add((DayOfWeek)day);
            }

            index++;
        }

        return days.Count == value.GetArrayLength() ? days.ToArray() : null;
    }

    private sealed record Plan(CronExpression Next, TimeZoneInfo Zone, Hours? Hours);

    private sealed record Hours(TimeOnly Opens, TimeOnly Closes, DayOfWeek[] Days)
    {
        public bool AreOpen(DateTimeOffset local)
        {
            var time = TimeOnly.FromDateTime(local.DateTime);
            return Array.IndexOf(Days, local.DayOfWeek) >= 0 && time >= Opens && time < Closes;
        }
    }
}
