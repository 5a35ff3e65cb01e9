using System.Text.Json;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>A TikTok user writing to the business: an <c>im_receive_msg</c> webhook signed with the client secret.</summary>
public sealed class TikTokSimulator(IOptions<TikTokOptions> options, TimeProvider time) : IChannelSimulator
{
    public ChannelKind Channel => ChannelKind.TikTok;

    public string CustomerIdLabel => "TikTok username";

    public string CustomerIdExample => "anna.example";

    public string ExternalIdOf(SimulatedMessage message) => $"sim-conversation-{Username(message)}";

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var username = Username(message);
        var content = new
        {
            conversation_id = ExternalIdOf(message),
            message_id = $"sim-{Guids.NewRandom():N}",
            timestamp = now.ToUnixTimeMilliseconds(),
            type = "text",
            text = new { body = message.Text },
            from = message.DisplayName ?? username,
            from_user = new { id = $"sim-user-{username}" },
            to = "business",
            to_user = new { id = settings.BusinessId },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            client_key = "sim-client-key",
            @event = TikTokEventParser.ReceiveMessageEvent,
            create_time = now.ToUnixTimeSeconds(),
            user_openid = settings.BusinessId,
            content = JsonSerializer.Serialize(content),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/tiktok") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(TikTokSignature.Header, TikTokSignature.Sign(body, settings.ClientSecret ?? "", now));
        using var response = await self.SendAsync(request, cancellationToken);
        return await SimulationResult.FromAsync(response, cancellationToken);
    }

    private static string Username(SimulatedMessage message) => message.CustomerId.Trim().TrimStart('@').ToLowerInvariant();
}
