using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>Waits, bounded: for the fake to have accepted N sends (the moment to kill the app), or for the broadcast to complete.</summary>
internal static class WaitCommands
{
    public static async Task<int> FakeAsync(Arguments arguments)
    {
        using var fake = new HttpClient { BaseAddress = Api.Loopback(arguments.Required("fake")) };
        var wanted = arguments.Int("accepted", 50_000);
        var deadline = Stopwatch.GetTimestamp() + (long)(arguments.Int("timeout-seconds", 600) * (double)Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var stats = await fake.GetFromJsonAsync<JsonElement>("/stats");
            if (stats.GetProperty("accepted").GetInt64() >= wanted)
            {
                Console.WriteLine($"The fake Graph API has accepted {stats.GetProperty("accepted").GetInt64():N0} sends");
                return 0;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Console.Error.WriteLine($"The fake did not reach {wanted:N0} accepted sends in time.");
        return 1;
    }

    public static async Task<int> DoneAsync(Arguments arguments)
    {
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(arguments.Required("run"))).RootElement;
        var id = run.GetProperty("broadcastId").GetGuid();
        using var client = await Api.LoginAsync(arguments.Required("url"), arguments.Required("email"), arguments.Required("password"));
        var deadline = Stopwatch.GetTimestamp() + (long)(arguments.Int("timeout-seconds", 900) * (double)Stopwatch.Frequency);
        var lastPrint = 0L;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var broadcast = await Api.ReadAsync(await client.GetAsync($"/api/broadcasts/{id}"));
            var state = broadcast.GetProperty("state").GetString();
            var progress = broadcast.GetProperty("progress");
            if (Stopwatch.GetElapsedTime(lastPrint).TotalSeconds >= 10 || state == "completed")
            {
                Console.WriteLine($"  {state}: queued {progress.GetProperty("queued").GetInt32():N0}, sent {progress.GetProperty("sent").GetInt32():N0}, " +
                    $"unknown {progress.GetProperty("unknown").GetInt32():N0}, failed {progress.GetProperty("failed").GetInt32():N0}");
                lastPrint = Stopwatch.GetTimestamp();
            }

            if (state == "completed")
            {
                return 0;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.Error.WriteLine($"Broadcast {id} did not complete in time.");
        return 1;
    }
}
