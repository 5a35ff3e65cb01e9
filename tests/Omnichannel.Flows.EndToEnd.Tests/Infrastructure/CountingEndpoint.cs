using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>A tiny HTTP server a flow's HTTP request calls: it records each call's time and idempotency key.</summary>
public sealed class CountingEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SemaphoreSlim called = new(0);

    private CountingEndpoint(WebApplication app) => this.app = app;

    public ConcurrentQueue<(DateTimeOffset At, string? IdempotencyKey)> Calls { get; } = new();

    public Uri Url => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hook");

    /// <param name="holdFirstCall">The first call gets no answer until its caller goes away (a step in flight when the app dies).</param>
    public static async Task<CountingEndpoint> StartAsync(bool holdFirstCall = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var endpoint = new CountingEndpoint(builder.Build());
        endpoint.app.MapPost("/hook", async (HttpRequest request) =>
        {
            endpoint.Calls.Enqueue((DateTimeOffset.UtcNow, request.Headers["Idempotency-Key"].FirstOrDefault()));
            var first = endpoint.Calls.Count == 1;
            endpoint.called.Release();
            if (holdFirstCall && first)
            {
                await Task.Delay(Timeout.Infinite, request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            return Results.Ok();
        });
        await endpoint.app.StartAsync();
        return endpoint;
    }

    /// <summary>Waits for the next call.</summary>
    public async Task WaitForCallAsync(TimeSpan timeout)
    {
        if (!await called.WaitAsync(timeout))
        {
            throw new TimeoutException("The flow did not call the endpoint in time.");
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
