using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Automation.WarmUp;

namespace Omnichannel.Flows.Web.Hosting;

/// <summary>
/// Once the app has started, warms it up in the background (readiness does not wait for it). The app ships precompiled
/// (ReadyToRun), and the runtime recompiles a method optimized once it has been called a few times. Without a warm-up, the
/// first burst after a start (timers that fell due during a restart, a webhook backlog) runs on the precompiled code while
/// those methods are recompiled beside it. So the app first sends itself a few hundred HTTP requests over loopback
/// (<c>POST /health/live</c> with a small JSON body, through an <see cref="IHttpClientFactory"/> client), in rounds a quarter
/// of a second apart: the HTTP client and Kestrel's request path (about 300 methods of System.Net alone). Then it runs the
/// built-in warm-up flow (<see cref="FlowWarmUp"/>): the timer resume path. It does nothing on a server with no
/// plain-HTTP address (tests' in-memory server, HTTPS only).
/// </summary>
internal sealed class StartupWarmUp(
    IServer server, IHostApplicationLifetime lifetime, IHttpClientFactory clients, FlowWarmUp flows, IOptions<StartupWarmUpOptions> options,
    ILogger<StartupWarmUp> logger) : BackgroundService
{
    /// <summary>The named client the requests go through (its logging is the factory's, at the app's levels).</summary>
    public const string ClientName = "startup-warm-up";

    private const int Lanes = 8;

    /// <summary>Longer than the runtime's 100 ms call-counting delay, so each round's calls count.</summary>
    private static readonly TimeSpan PauseBetweenRounds = TimeSpan.FromMilliseconds(250);

    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int answered;

    /// <summary>Requests answered so far.</summary>
    public int Answered => Volatile.Read(ref answered);

    /// <summary>Warm-up flow runs that finished (set once they have ended and been deleted).</summary>
    public int FlowRunsFinished { get; private set; }

    /// <summary>Completes when the warm-up has ended: done, skipped, failed or stopped.</summary>
    public Task Done => done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WarmUpAsync(stoppingToken);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if ((settings.Rounds == 0 && settings.FlowRuns == 0) || !await StartedAsync(stoppingToken))
        {
            return;
        }

        if (LoopbackUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []) is not { } url)
        {
            logger.LogDebug("No start-up warm-up: the server has no plain-HTTP address");
            return;
        }

        try
        {
            await SendRoundsAsync(url, settings.Rounds, settings.RequestsPerRound, stoppingToken);
            if (settings.FlowRuns > 0)
            {
                FlowRunsFinished = await flows.RunAsync(url, settings.FlowRuns, settings.FlowRunsTimeout, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the warm-up is of no use any more.
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "The start-up warm-up stopped after {Requests} requests to {Url}; the app runs as usual", Answered, url);
        }
    }

    private async Task SendRoundsAsync(Uri url, int rounds, int perRound, CancellationToken stoppingToken)
    {
        if (rounds == 0)
        {
            return;
        }

        var client = clients.CreateClient(ClientName);
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => SendAsync(client, url, Share(perRound, lane), stoppingToken)));
            await Task.Delay(PauseBetweenRounds, stoppingToken);
        }

        logger.LogInformation("Warmed up: {Requests} requests to {Url} in {ElapsedMs} ms", Answered, url, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Where the app answers itself: its first plain-HTTP address, a wildcard host (any address) taken as loopback. HTTPS
    /// addresses are passed over: the app's certificate need not be one its own client trusts.
    /// </summary>
    internal static Uri? LoopbackUrl(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            var binding = BindingAddress.Parse(address);
            if (binding.Scheme != Uri.UriSchemeHttp || binding.IsUnixPipe || binding.IsNamedPipe)
            {
                continue;
            }

            var host = binding.Host switch
            {
                "*" or "+" or "0.0.0.0" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                var named => named,
            };
            return new UriBuilder(Uri.UriSchemeHttp, host, binding.Port, "/health/live").Uri;
        }

        return null;
    }

    /// <summary>Lane <paramref name="lane"/>'s share of a round's <paramref name="requests"/>.</summary>
    private static int Share(int requests, int lane) => requests / Lanes + (lane < requests % Lanes ? 1 : 0);

    private async Task SendAsync(HttpClient client, Uri url, int requests, CancellationToken cancellationToken)
    {
        for (var i = 0; i < requests; i++)
        {
            // Shaped like the outbound calls the app makes (a flow's HTTP step, a channel send): a POST with a JSON body.
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { warmUp = true }) };
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Interlocked.Increment(ref answered);
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
