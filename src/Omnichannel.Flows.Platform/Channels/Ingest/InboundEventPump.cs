using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Jobs;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// Runs <see cref="InboundEventProcessor"/> whenever a delivery is stored, and on a slow poll for deliveries that
/// other instances stored or that were pending when the app stopped. The database is the queue.
/// </summary>
public sealed class InboundEventPump(
    IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ILogger<InboundEventPump> logger) : BackgroundService
{
    private readonly WakeSignal signal = new();

    /// <summary>Completes when a processing pass finishes; tests and the simulator await it.</summary>
    public event Action? PassCompleted;

    public void Signal() => signal.Wake();

    /// <summary>
    /// Passes run on a thread of their own (<see cref="Data.DedicatedWriterThread"/>): processing is one serial stage that
    /// holds the write gate in turns, and on the thread pool each of its awaits would resume behind the webhook requests
    /// and flow runs queued there, with the write lane held and idle.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Data.DedicatedWriterThread.RunAsync("Webhook processor", () => PumpAsync(stoppingToken));

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var processor = scope.ServiceProvider.GetRequiredService<InboundEventProcessor>();
                while (await processor.ProcessBatchAsync(stoppingToken) > 0)
                {
                }

                PassCompleted?.Invoke();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Processing webhook deliveries failed; retrying on the next pass");
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
