using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>A website visitor as the widget acts: opens a session, posts and reads with its token, listens on the hub.</summary>
public sealed record WebChatVisitor(Guid SessionId, string Token, bool IdentityVerified)
{
    /// <summary>What the embedding site sends to vouch for an email or phone: hex HMAC-SHA256(identity secret, value).</summary>
    public static string IdentityHash(string secret, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(value)));

    public static async Task<WebChatVisitor> OpenAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/webchat/sessions", request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new WebChatVisitor(body.GetProperty("sessionId").GetGuid(), body.GetProperty("token").GetString()!,
            body.GetProperty("identityVerified").GetBoolean());
    }

    public Task<HttpResponseMessage> PostAsync(HttpClient client, string text, string? clientMessageId = null, string? token = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/sessions/{SessionId}/messages")
        {
            Content = JsonContent.Create(new { text, clientMessageId }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token) },
        });

    public async Task<JsonElement[]> ThreadAsync(HttpClient client, string? after = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/webchat/sessions/{SessionId}/messages{(after is null ? "" : $"?after={Uri.EscapeDataString(after)}")}")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) },
        };
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    /// <summary>A SignalR client (the .NET one) on the app's hub, over the test server's WebSocket.</summary>
    public HubConnection HubConnection(FlowsAppFactory app) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.Server.BaseAddress, "hubs/webchat"), HttpTransportType.WebSockets, options =>
        {
            options.SkipNegotiation = true;
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                var client = app.Server.CreateWebSocketClient();
                client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {Token}";
                return await client.ConnectAsync(context.Uri, cancellationToken);
            };
        })
        .Build();

    /// <summary>A bare WebSocket with the token in the query string, as the widget connects from a browser.</summary>
    public async Task<HubFrames> RawHubSocketAsync(FlowsAppFactory app) =>
        new(await app.Server.CreateWebSocketClient().ConnectAsync(
            new Uri($"ws://localhost/hubs/webchat?access_token={Uri.EscapeDataString(Token)}"), CancellationToken.None));
}

/// <summary>SignalR's JSON hub protocol by hand: JSON frames each ended by the record separator 0x1E.</summary>
public sealed class HubFrames(WebSocket socket) : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly StringBuilder pending = new();
    private readonly Decoder utf8 = Encoding.UTF8.GetDecoder();

    public Task SendAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        while (pending.ToString().IndexOf(RecordSeparator, StringComparison.Ordinal) < 0)
        {
            var result = await socket.ReceiveAsync(buffer, cancellation.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The hub closed the connection.");
            }

            var chars = new char[utf8.GetCharCount(buffer, 0, result.Count)];
            utf8.GetChars(buffer, 0, result.Count, chars, 0);
            pending.Append(chars);
        }

        var text = pending.ToString();
        var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
        pending.Remove(0, end + 1);
        return JsonDocument.Parse(text[..end]).RootElement.Clone();
    }

    /// <summary>The next invocation of <paramref name="target"/>, skipping pings and other frames.</summary>
    public async Task<JsonElement> InvocationAsync(string target)
    {
        while (true)
        {
            var frame = await NextAsync();
            if (frame.GetProperty("type").GetInt32() == 1 && frame.GetProperty("target").GetString() == target)
            {
                return frame.GetProperty("arguments")[0];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        socket.Dispose();
    }
}
