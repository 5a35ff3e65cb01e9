using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on 127.0.0.1 (the SmtpServer package): it records every message handed to it exactly as sent and
/// answers the end of DATA as scripted (accept, a 4xx/5xx reply, or dropping the connection).
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<SmtpReply> script = new();
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly List<(Func<MimeMessage, bool> Predicate, TaskCompletionSource<MimeMessage> Signal)> waiters = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public FakeSmtpServer()
    {
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
        Port = started.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public int Port { get; }

    /// <summary>Every message that reached the end of DATA, whatever the reply.</summary>
    public IReadOnlyList<MimeMessage> Received => [.. received];

    /// <summary>How the next messages are answered, in order; afterwards every message is accepted.</summary>
    public void Respond(params SmtpReply[] replies)
    {
        script.Clear();
        foreach (var reply in replies)
        {
            script.Enqueue(reply);
        }
    }

    /// <summary>Completes with the first received message (past or future) that matches.</summary>
    public Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> predicate, TimeSpan? timeout = null)
    {
        var signal = new TaskCompletionSource<MimeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (received.FirstOrDefault(predicate) is { } seen)
            {
                return Task.FromResult(seen);
            }

            waiters.Add((predicate, signal));
        }

        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
    }

    private SmtpReply Record(MimeMessage message)
    {
        lock (gate)
        {
            received.Enqueue(message);
            foreach (var waiter in waiters.Where(w => w.Predicate(message)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Signal.TrySetResult(message);
            }
        }

        return script.TryDequeue(out var reply) ? reply : SmtpReply.Accept;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stop.Dispose();
    }

    private sealed class Store(FakeSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var reply = server.Record(message);
            if (reply.DropConnection)
            {
                // The connection closes without a reply to the end of DATA: the client cannot know whether the message was taken.
                (context.Pipe as IDisposable)?.Dispose();
                throw new IOException("Connection dropped by the test.");
            }

            return new SmtpResponse((SmtpReplyCode)reply.Code, reply.Text);
        }
    }
}

public sealed record SmtpReply(int Code, string Text, bool DropConnection = false)
{
    public static readonly SmtpReply Accept = new(250, "Ok: queued");

    public static SmtpReply Reject(int code, string text) => new(code, text);

    public static readonly SmtpReply Drop = new(0, "", DropConnection: true);
}
