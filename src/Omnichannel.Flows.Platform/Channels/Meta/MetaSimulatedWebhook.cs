using System.Text.Json;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>Posts a webhook to this app's own endpoint the way Meta does: the JSON body signed with the app secret.</summary>
public static class MetaSimulatedWebhook
{
    public static async Task<SimulationResult> PostAsync(
        HttpClient self, ChannelKind channel, object payload, string? appSecret, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"webhooks/{channel.ToName()}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(MetaSignature.Header, MetaSignature.Sign(body, appSecret ?? ""));
        using var response = await self.SendAsync(request, cancellationToken);
        return new SimulationResult((int)response.StatusCode,
            response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
