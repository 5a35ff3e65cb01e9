using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>One request as the counter needs it: the method, the path and the <c>Idempotency-Key</c> header.</summary>
internal sealed record LoopbackRequest(string Method, string Path, string? IdempotencyKey);

/// <summary>The answer: a status and an optional JSON body.</summary>
internal readonly record struct LoopbackResponse(int Status, string? Json = null);

/// <summary>
/// The smallest HTTP/1.1 server the counter needs, on a socket bound to 127.0.0.1: keep-alive connections, one request
/// at a time per connection, bodies sized by <c>Content-Length</c> (read and dropped). Anything else (a chunked body,
/// headers over 16 KB, a malformed request line or length) is answered 411 / 431 / 400 and the connection closed. It exists because the counter shares the two
/// cores with the app whose burst it times: Kestrel's pipeline cost the counter about 0.16 ms of CPU per call, time the
/// app's timers then waited for.
/// </summary>
internal sealed class LoopbackHttpServer(int port, Func<LoopbackRequest, LoopbackResponse> handle) : IAsyncDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource stopping = new();
    private Task accepting = Task.CompletedTask;

    public void Start()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await accepting;
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            connection.NoDelay = true;
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using var socket = connection;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(stopping.Token);
                var buffer = read.Buffer;
                var close = false;
                while (!close && TryParse(ref buffer, out var request, out var failure))
                {
                    var response = failure ?? handle(request!);
                    close = failure is not null;
                    await socket.SendAsync(Encode(response, close), SocketFlags.None, stopping.Token);
                }

                if (close || read.IsCompleted)
                {
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
        {
            // The client went away, or the counter stops.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>
    /// Takes one whole request (headers and body) off the front of <paramref name="buffer"/>; false when more bytes are
    /// needed. <paramref name="failure"/> is set for a request this server does not take.
    /// </summary>
    private static bool TryParse(ref ReadOnlySequence<byte> buffer, out LoopbackRequest? request, out LoopbackResponse? failure)
    {
        request = null;
        failure = null;
        var sequence = new SequenceReader<byte>(buffer);
        if (!sequence.TryReadTo(out ReadOnlySequence<byte> head, HeaderEnd))
        {
            if (buffer.Length <= MaxHeaderBytes)
            {
                return false;
            }

            failure = new LoopbackResponse(431);
            return true;
        }

        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 3)
        {
            failure = new LoopbackResponse(400);
            return true;
        }

        long contentLength = 0;
        string? key = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
                {
                    failure = new LoopbackResponse(400);
                    return true;
                }
            }
            else if (name.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase))
            {
                key = value.ToString();
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                failure = new LoopbackResponse(411);
                return true;
            }
        }

        if (sequence.Remaining < contentLength)
        {
            return false; // the body is still on its way
        }

        sequence.Advance(contentLength);
        buffer = buffer.Slice(sequence.Position);
        request = new LoopbackRequest(requestLine[0], requestLine[1], key);
        return true;
    }

    private static byte[] Encode(LoopbackResponse response, bool close)
    {
        var body = response.Json ?? "";
        var reason = response.Status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", 411 => "Length Required", 503 => "Service Unavailable", 431 => "Request Header Fields Too Large", _ => "Status" };
        var type = response.Json is null ? "" : "Content-Type: application/json\r\n";
        var connection = close ? "Connection: close\r\n" : "";
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {response.Status} {reason}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{type}{connection}\r\n{body}"));
    }
}
