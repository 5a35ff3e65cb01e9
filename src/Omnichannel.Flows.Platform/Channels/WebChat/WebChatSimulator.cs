using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// A visitor on the website: opens a session through the public API (once per visitor, then reused) — claiming the
/// given email or phone, vouched with the configured identity secret when asked — and posts the message with the token.
/// </summary>
public sealed class WebChatSimulator(IOptions<WebChatOptions> options) : IChannelSimulator
{
    private readonly ConcurrentDictionary<string, WebChatSessionCreated> sessions = new(StringComparer.OrdinalIgnoreCase);

    public ChannelKind Channel => ChannelKind.WebChat;

    public string CustomerIdLabel => "Visitor (any name for this browser)";

    public string CustomerIdExample => "visitor-1";

    /// <summary>The session id; known once the visitor sent their first message.</summary>
    public string ExternalIdOf(SimulatedMessage message) =>
        sessions.TryGetValue(message.CustomerId, out var session)
            ? session.SessionId.ToString()
            : throw new InvalidOperationException($"Visitor '{message.CustomerId}' has no web chat session yet; it opens with their first message.");

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        if (!sessions.TryGetValue(message.CustomerId, out var session))
        {
            var claimed = message.ClaimedEmail ?? message.SharedPhone;
            var secret = options.Value.IdentitySecret;
            var request = new CreateWebChatSessionRequest(message.DisplayName, message.ClaimedEmail, message.SharedPhone,
                message.Vouched && claimed is not null && secret is not null ? HexHmac.Compute(secret, claimed) : null);
            using var created = await self.PostAsJsonAsync("api/webchat/sessions", request, cancellationToken);
            if (!created.IsSuccessStatusCode)
            {
                return new SimulationResult((int)created.StatusCode, await created.Content.ReadAsStringAsync(cancellationToken));
            }

            session = (await created.Content.ReadFromJsonAsync<WebChatSessionCreated>(cancellationToken))!;
            sessions[message.CustomerId] = session;
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, $"api/webchat/sessions/{session.SessionId}/messages")
        {
            Content = JsonContent.Create(new PostWebChatMessageRequest(message.Text, null)),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        using var response = await self.SendAsync(post, cancellationToken);
        return new SimulationResult((int)response.StatusCode, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
