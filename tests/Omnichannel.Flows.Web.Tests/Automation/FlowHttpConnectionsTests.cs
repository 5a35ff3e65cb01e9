using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities.BuiltIn;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Flow HTTP steps calling one host share a bounded number of connections (Automation:HttpConnectionsPerHost): a burst of
/// due timers calling a CRM queues for them instead of opening a connection per run in flight.
/// </summary>
public sealed class FlowHttpConnectionsTests(FlowHttpConnectionsTests.ThreeConnectionsApp app) : IClassFixture<FlowHttpConnectionsTests.ThreeConnectionsApp>
{
    [Fact]
    public async Task TenCallsAtOnce_ToOneHost_UseThreeConnections_AndAllAreAnswered()
    {
        await using var server = new HoldingHttpServer();
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpRequestActivity.ClientName);

        var calls = Enumerable.Range(0, 10).Select(i => client.PostAsync(server.Url, new StringContent($"{{\"call\":{i}}}"))).ToList();
        await server.WaitForHeldRequestsAsync(3);
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // time enough for a fourth connection, which must not come
        Assert.Equal(3, server.Connections);

        server.Release();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(10, server.Requests);
        Assert.Equal(3, server.Connections);
    }

    public sealed class ThreeConnectionsApp : AutomationAppFactory
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            base.Configure(settings);
            settings["Automation:HttpConnectionsPerHost"] = "3";
        }
    }

    /// <summary>An HTTP/1.1 server on 127.0.0.1 that counts connections and requests and answers none until released.</summary>
    private sealed class HoldingHttpServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource stopping = new();
        private readonly Task accepting;
        private int connections;
        private int requests;

        public HoldingHttpServer()
        {
            listener.Start();
            accepting = AcceptAsync();
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook");

        public int Connections => Volatile.Read(ref connections);

        public int Requests => Volatile.Read(ref requests);

        public void Release() => released.TrySetResult();

        public async Task WaitForHeldRequestsAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Requests < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stopping.CancelAsync();
            listener.Stop();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            stopping.Dispose();
        }

        private async Task AcceptAsync()
        {
            var served = new List<Task>();
            try
            {
                while (true)
                {
                    var socket = await listener.AcceptSocketAsync(stopping.Token);
                    Interlocked.Increment(ref connections);
                    served.Add(ServeAsync(socket));
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                await Task.WhenAll(served).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            await using var stream = new NetworkStream(socket);
            var buffer = new byte[8192];
            var pending = new StringBuilder();
            try
            {
                while (true)
                {
                    var read = await stream.ReadAsync(buffer, stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    while (TakeRequest(pending))
                    {
                        Interlocked.Increment(ref requests);
                        await released.Task.WaitAsync(stopping.Token);
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), stopping.Token);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
            }
        }

        /// <summary>Removes one whole request (head and Content-Length body) from <paramref name="pending"/>, if it holds one.</summary>
        private static bool TakeRequest(StringBuilder pending)
        {
            var text = pending.ToString();
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0)
            {
                return false;
            }

            var length = text[..headEnd].Split("\r\n")
                .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                .FirstOrDefault();
            if (text.Length < headEnd + 4 + length)
            {
                return false;
            }

            pending.Remove(0, headEnd + 4 + length);
            return true;
        }
    }
}
