using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// The side effect the benchmark counts: the flow's HTTP request step POSTs to <c>/hit/{batch}</c> with the step's
/// <c>Idempotency-Key</c> (<c>instance:node:activation:attempt</c>). Every arrival is written as
/// <c>unix-ms TAB batch TAB key</c> — duplicates included, nothing deduplicated here, so the report sees what the app did.
/// The file is flushed every 200 ms and when the counter stops (the script stops it before the report reads the file), not
/// per arrival: the counter shares the cores with the app, and a burst should measure the app, not the counter's writes.
/// For the same reason it serves HTTP from a bare socket (<see cref="LoopbackHttpServer"/>), not Kestrel. It runs in its own
/// process, so it keeps counting while the app is killed and restarted. It warms up before it says it is ready (2,000
/// calls of its own, batch <c>warmup</c>, recorded like any other and left out by the report), so a burst meets a
/// receiver that has served before, as a live CRM has. Listens on 127.0.0.1 only.
/// </summary>
internal static class CounterCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        var port = arguments.Int("port", 18530);
        await using var file = new StreamWriter(arguments.Required("out"), append: false) { AutoFlush = false };
        var gate = new Lock();
        var arrivals = new Dictionary<string, long>(StringComparer.Ordinal);
        var keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var warm = false;

        LoopbackResponse Handle(LoopbackRequest request)
        {
            if (request.Method == "POST" && request.Path.StartsWith("/hit/", StringComparison.Ordinal)
                && request.Path.Length > 5 && request.Path.IndexOf('/', 5) < 0)
            {
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var batch = request.Path[5..];
                var key = request.IdempotencyKey ?? "";
                lock (gate)
                {
                    file.Write(string.Create(CultureInfo.InvariantCulture, $"{at}\t{batch}\t{key}\n"));
                    arrivals[batch] = arrivals.GetValueOrDefault(batch) + 1;
                    if (!keys.TryGetValue(batch, out var seen))
                    {
                        keys[batch] = seen = new HashSet<string>(StringComparer.Ordinal);
                    }

                    seen.Add(key);
                }

                return new LoopbackResponse(200);
            }

            return request switch
            {
                { Method: "GET", Path: "/stats" } => new LoopbackResponse(200, Stats()),
                { Method: "GET", Path: "/health/ready" } => new LoopbackResponse(Volatile.Read(ref warm) ? 200 : 503),
                _ => new LoopbackResponse(404),
            };
        }

        string Stats()
        {
            lock (gate)
            {
                return JsonSerializer.Serialize(arrivals.ToDictionary(a => a.Key, a => new BatchStats(a.Value, keys[a.Key].Count)), JsonSerializerOptions.Web);
            }
        }

        using var stop = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        await using (var server = new LoopbackHttpServer(port, Handle))
        {
            server.Start();
            using var flushing = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            var flusher = Task.Run(async () =>
            {
                while (await flushing.WaitForNextTickAsync())
                {
                    lock (gate)
                    {
                        file.Flush();
                    }
                }
            });
            await WarmUpAsync(port);
            Volatile.Write(ref warm, true);
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            flushing.Dispose();
            await flusher;
        }

        lock (gate)
        {
            file.Flush();
        }

        return 0;
    }

    private sealed record BatchStats(long Arrivals, int Distinct);

    private static async Task WarmUpAsync(int port)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hit/warmup") { Content = new StringContent("{}") };
            request.Headers.Add("Idempotency-Key", $"warmup:{i}");
            (await client.SendAsync(request, ct)).EnsureSuccessStatusCode();
        });
    }
}
