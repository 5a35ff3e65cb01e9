using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>As a marketer: create the broadcast to everyone tagged, look at its estimate, schedule it now with that total.</summary>
internal static class StartCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        using var client = await Api.LoginAsync(arguments.Required("url"), arguments.Required("email"), arguments.Required("password"));
        var created = await Api.ReadAsync(await client.PostAsJsonAsync("/api/broadcasts", new
        {
            name = "Benchmark: order update to everyone",
            purpose = "transactional",
            audience = new { tags = new[] { arguments.Required("tag") } },
            channels = new[] { "whatsapp" },
            content = new
            {
                whatsapp = new
                {
                    template = new { name = arguments.Required("template"), language = "en_US" },
                    parameters = new Dictionary<string, object>
                    {
                        ["1"] = new { field = "contact.first_name", fallback = "there" },
                        ["2"] = new { literal = "A-1001" },
                    },
                },
            },
        }));
        var id = created.GetProperty("id").GetGuid();

        var began = Stopwatch.GetTimestamp();
        var estimate = await Api.ReadAsync(await client.GetAsync($"/api/broadcasts/{id}/estimate"));
        var estimateSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        var total = estimate.GetProperty("total").GetDecimal();
        began = Stopwatch.GetTimestamp();
        await Api.ReadAsync(await client.PostAsJsonAsync($"/api/broadcasts/{id}/schedule", new { confirmTotal = total }));
        var scheduleSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        Console.WriteLine($"Broadcast {id}: {estimate.GetProperty("recipients").GetInt32():N0} recipients, estimate {total} {estimate.GetProperty("currency").GetString()} " +
            $"({estimateSeconds:F1} s); scheduled ({scheduleSeconds:F1} s, the estimate again as the guard)");
        await File.WriteAllTextAsync(arguments.Required("out"), JsonSerializer.Serialize(new
        {
            broadcastId = id,
            recipients = estimate.GetProperty("recipients").GetInt32(),
            estimateTotal = total,
            currency = estimate.GetProperty("currency").GetString(),
            estimateSeconds,
            scheduleSeconds,
            scheduledAtUtc = DateTime.UtcNow,
        }));
        return 0;
    }
}
