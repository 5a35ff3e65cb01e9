using System.Net;
using System.Text;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary><c>run</c>: a warm-up, then each rate step against one target; writes the results and the accepted ids.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(Arguments args)
    {
        var label = args.Required("label");
        var target = RequireLoopback(new Uri(args.Required("url")));
        var output = Path.GetFullPath(args.Required("out"));
        var settings = new RunSettings(
            Rates: args.Ints("rates", [250, 500, 1000, 2000, 4000]),
            StepSeconds: args.Double("step-seconds", 15),
            WarmupRate: args.Int("warmup-rate", 250),
            WarmupSeconds: args.Double("warmup-seconds", 5),
            PauseSeconds: args.Double("pause-seconds", 2),
            Connections: args.Int("connections", 256),
            MaxInFlight: args.Int("max-in-flight", 4096),
            TimeoutSeconds: args.Double("timeout-seconds", 5),
            Senders: args.Int("senders", 5000));
        var webhooks = new SignedWebhooks(
            args.Required("secret"), args.Required("run-tag"), args.Optional("phone-number-id") ?? "109876543210", settings.Senders);

        using var http = CreateClient(settings.Connections);
        var runner = new OpenLoopRunner(http, target, webhooks, settings.MaxInFlight, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var acceptedFile = Path.ChangeExtension(output, ".accepted.txt");
        var uncertainFile = Path.ChangeExtension(output, ".uncertain.txt");
        await using var accepted = new StreamWriter(acceptedFile, append: false, Encoding.ASCII);
        await using var uncertain = new StreamWriter(uncertainFile, append: false, Encoding.ASCII);

        var startedAt = DateTime.UtcNow;
        var contentionBefore = Machine.Contention();
        Console.WriteLine($"{label}: {target} ({contentionBefore})");

        var serverPid = args.Optional("server-pid") is { } pid ? int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var cpuAtStart = Machine.CpuTime(serverPid);
        var warmup = await RunStepAsync(runner, new StepPlan("warm-up", settings.WarmupRate, TimeSpan.FromSeconds(settings.WarmupSeconds)), serverPid, accepted, uncertain);
        var steps = new List<StepResult>();
        foreach (var rate in settings.Rates)
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.PauseSeconds));
            steps.Add(await RunStepAsync(runner, new StepPlan($"{rate} req/s", rate, TimeSpan.FromSeconds(settings.StepSeconds)), serverPid, accepted, uncertain));
        }

        var run = new TargetRun(label, target.ToString(), startedAt, DateTime.UtcNow, contentionBefore, Machine.Contention(),
            settings, warmup, steps, acceptedFile, uncertainFile, Seconds(cpuAtStart), Seconds(Machine.CpuTime(serverPid)));
        await JsonFiles.WriteAsync(output, run);
        return 0;
    }

    private static async Task<StepResult> RunStepAsync(
        OpenLoopRunner runner, StepPlan plan, int? serverPid, StreamWriter accepted, StreamWriter uncertain)
    {
        var cpuBefore = Machine.CpuTime(serverPid);
        var outcome = await runner.RunAsync(plan);
        var cpuUsed = Machine.CpuTime(serverPid) - cpuBefore;
        foreach (var id in outcome.AcceptedIds)
        {
            await accepted.WriteLineAsync(id);
        }

        foreach (var id in outcome.UncertainIds)
        {
            await uncertain.WriteLineAsync(id);
        }

        var r = outcome.Result with { ServerCpuSeconds = Seconds(cpuUsed) };
        var latency = r.AckLatencyMs is { } l ? $"p50 {l.P50:0.0} ms, p99 {l.P99:0.0} ms, max {l.Max:0} ms" : "no answers";
        var cpu = r.ServerCpuMsPerAccepted is { } perRequest ? $", server CPU {perRequest:0.00} ms/request" : "";
        Console.WriteLine($"  {r.Name,-12} accepted {r.Accepted,6}/{r.Scheduled,-6} ({r.AcceptedPerSecond,7:0.0}/s)  errors {r.Errors,5}  {latency}{cpu}");
        return r;
    }

    private static double? Seconds(TimeSpan? time) => time is { } t ? Math.Round(t.TotalSeconds, 3) : null;

    /// <summary>SocketsHttpHandler over HTTP/1.1 keep-alive, enough connections that the pool is not the bottleneck.</summary>
    private static HttpClient CreateClient(int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    /// <summary>Load goes to this machine only: an IP literal in 127.0.0.0/8 or ::1.</summary>
    private static Uri RequireLoopback(Uri url) =>
        IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)
            ? url
            : throw new ArgumentException($"{url} is not a loopback address; this generator only loads 127.0.0.1 or [::1].");
}
