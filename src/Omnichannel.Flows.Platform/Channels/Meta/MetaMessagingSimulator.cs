using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// A customer writing to the Page or Instagram account: a <c>messaging</c> webhook with a text message from the given
/// page/app-scoped id, signed with the app secret. Meta sends no name with it, so neither does the simulator.
/// </summary>
public abstract class MetaMessagingSimulator<TOptions>(IOptions<TOptions> options, TimeProvider time) : IChannelSimulator
    where TOptions : MetaMessagingOptions
{
    public ChannelKind Channel => options.Value.Channel;

    public abstract string CustomerIdLabel { get; }

    public abstract string CustomerIdExample { get; }

    public string ExternalIdOf(SimulatedMessage message) =>
        message.CustomerId.Trim() is { Length: > 0 } id ? id : throw new ArgumentException("A scoped id is required.", nameof(message));

    public Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        const string account = "sandbox-account";
        var payload = new
        {
            @object = settings.WebhookObject,
            entry = new[]
            {
                new
                {
                    id = account,
                    time = now,
                    messaging = new[]
                    {
                        new
                        {
                            sender = new { id = ExternalIdOf(message) },
                            recipient = new { id = account },
                            timestamp = now,
                            message = new { mid = $"m_SIM{Guids.NewRandom():N}", text = message.Text },
                        },
                    },
                },
            },
        };
        return MetaSimulatedWebhook.PostAsync(self, Channel, payload, settings.AppSecret, cancellationToken);
    }
}
