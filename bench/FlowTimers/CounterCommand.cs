using System.Globalization;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// The side effect the benchmark counts: the flow's HTTP request step POSTs to <c>/hit/{batch}</c> with the step's
/// <c>Idempotency-Key</c> (<c>instance:node:activation:attempt</c>). Every arrival is written as
/// <c>unix-ms TAB batch TAB key</c> — duplicates included, nothing deduplicated here, so the report sees what the app did.
/// The file is flushed every 200 ms and when the counter stops (the script stops it before the report reads the file), not
/// per arrival: the counter shares the cores with the app, and a burst should measure the app, not the counter's writes.
/// It runs in its own process, so it keeps counting while the app is killed and restarted. It warms up before it says it
/// is ready (2,000 calls of its own, batch <c>warmup</c>, recorded like any other and left out by the report), so a burst
/// meets a receiver that has served before, as a live CRM has. Listens on 127.0.0.1 only.
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

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        // Ahead of routing and parameter binding: the only hot path of the counter, kept cheap (see above).
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments("/hit", out var rest)
                || rest.Value is not ['/', _, ..] || rest.Value.IndexOf('/', 1) >= 0)
            {
                await next(context);
                return;
            }

            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var batch = rest.Value[1..];
            var key = context.Request.Headers["Idempotency-Key"].ToString();
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

            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        app.MapGet("/stats", () =>
        {
            lock (gate)
            {
                return Results.Ok(arrivals.ToDictionary(a => a.Key, a => new { arrivals = a.Value, distinct = keys[a.Key].Count }));
            }
        });
        var warm = false;
        app.MapGet("/health/ready", () => Volatile.Read(ref warm) ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
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
        await app.StartAsync();
        await WarmUpAsync(port);
        Volatile.Write(ref warm, true);
        await app.WaitForShutdownAsync();
        flushing.Dispose();
        await flusher;
        lock (gate)
        {
            file.Flush();
        }

        return 0;
    }

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
