using Microsoft.AspNetCore.SignalR;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// The visitor's realtime connection (SignalR, JSON protocol). Connecting with the session token joins the session's
/// group, to which <see cref="WebChatOutboundChannel"/> pushes agent replies as <c>message</c>; <c>connected</c> tells
/// the client its subscription is live. Visitors send over HTTP (rate limited), not through the hub.
/// </summary>
public sealed class WebChatHub(WebChatPresence presence) : Hub
{
    public const string Path = "/hubs/webchat";
    public const string MessageMethod = "message";
    public const string ConnectedMethod = "connected";

    public static string GroupOf(Guid sessionId) => $"webchat-{sessionId:N}";

    public override async Task OnConnectedAsync()
    {
        if (WebChatAuthentication.SessionOf(Context.User) is not { } sessionId)
        {
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(sessionId));
        presence.Connected(sessionId);
        await Clients.Caller.SendAsync(ConnectedMethod, new { sessionId });
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (WebChatAuthentication.SessionOf(Context.User) is { } sessionId)
        {
            presence.Disconnected(sessionId);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Which sessions have a live connection on this instance (a reply pushed to them counts as delivered).</summary>
public sealed class WebChatPresence
{
    private readonly Dictionary<Guid, int> connections = [];
    private readonly Lock gate = new();

    public void Connected(Guid sessionId)
    {
        lock (gate)
        {
            connections[sessionId] = connections.GetValueOrDefault(sessionId) + 1;
        }
    }

    public void Disconnected(Guid sessionId)
    {
        lock (gate)
        {
            var left = connections.GetValueOrDefault(sessionId) - 1;
            if (left > 0)
            {
                connections[sessionId] = left;
            }
            else
            {
                connections.Remove(sessionId);
            }
        }
    }

    public bool IsOnline(Guid sessionId)
    {
        lock (gate)
        {
            return connections.ContainsKey(sessionId);
        }
    }
}
