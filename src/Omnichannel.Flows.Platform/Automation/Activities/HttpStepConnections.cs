using System.Net;
using System.Net.Sockets;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// Opens the flow HTTP step's connections, refusing addresses it must not reach: a flow's URL is written by marketing
/// and may come from a customer's answer, so without this a step could read a cloud instance's metadata service
/// (169.254.169.254: its credentials) and map the answer into a message. The check is on the addresses the host name
/// resolves to, when connecting, so a name that resolves to a blocked address is refused too, and so is a redirect to
/// one. Link-local and cloud metadata addresses are blocked by default (<see cref="AutomationOptions.HttpBlockLinkLocal"/>);
/// <see cref="AutomationOptions.HttpBlockedNetworks"/> adds ranges (e.g. the office network).
/// </summary>
internal sealed class HttpStepConnections
{
    /// <summary>Link-local (IPv4, IPv6) and the cloud metadata addresses outside it (AWS over IPv6, Alibaba).</summary>
    private static readonly IPNetwork[] LinkLocalAndMetadata =
        [IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fd00:ec2::254/128"), IPNetwork.Parse("100.100.100.200/32")];

    private readonly IPNetwork[] blocked;

    public HttpStepConnections(AutomationOptions options) =>
        blocked = [.. options.HttpBlockLinkLocal ? LinkLocalAndMetadata : [], .. options.HttpBlockedNetworks.Select(IPNetwork.Parse)];

    public bool IsBlocked(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return blocked.Any(network => network.Contains(plain));
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: a TCP connection to the first reachable address that is not blocked.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        IPAddress[] allowed = [.. addresses.Where(address => !IsBlocked(address))];
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"'{host}' is {(literal is null ? "at " : "")}an address flows may not call (link-local, cloud metadata or a blocked network).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
