using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>Waits, bounded, until the counter has seen N distinct idempotency keys for a batch.</summary>
internal static class WaitCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        using var counter = new HttpClient { BaseAddress = Api.Loopback(arguments.Required("counter")) };
        var batch = arguments.Required("batch");
        var wanted = arguments.Int("count", 10_000);
        var began = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(arguments.Int("timeout-seconds", 600));
        var lastPrint = TimeSpan.Zero;
        long distinct = 0;
        while (Stopwatch.GetElapsedTime(began) < limit)
        {
            var stats = await counter.GetFromJsonAsync<JsonElement>("/stats");
            distinct = stats.TryGetProperty(batch, out var b) ? b.GetProperty("distinct").GetInt64() : 0;
            if (distinct >= wanted)
            {
                Console.WriteLine($"Batch {batch}: {distinct:N0} distinct calls");
                return 0;
            }

            if (Stopwatch.GetElapsedTime(began) - lastPrint >= TimeSpan.FromSeconds(10))
            {
                lastPrint = Stopwatch.GetElapsedTime(began);
                Console.WriteLine($"  batch {batch}: {distinct:N0} of {wanted:N0}");
            }

            await Task.Delay(50);
        }

        Console.Error.WriteLine($"Batch {batch}: only {distinct:N0} of {wanted:N0} distinct calls within {limit.TotalSeconds:F0} s.");
        return 1;
    }
}
