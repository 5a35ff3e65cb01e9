using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for a provider (Graph API, Twilio, Telegram…): it records every request
/// exactly as sent and answers with scripted responses, so tests assert on the wire, not on mocks.
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeResponse>> scripted = new();
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, FakeResponse>> defaults = new();
    private readonly List<(Func<RecordedRequest, bool> Predicate, TaskCompletionSource<RecordedRequest> Signal)> waiters = [];
    private readonly Lock gate = new();
    private readonly WebApplication app;

    public FakeProviderServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Map("/{**path}", HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Answers requests whose path contains <paramref name="pathContains"/> with these responses in order; the last one repeats.</summary>
    public void Respond(string pathContains, params FakeResponse[] responses)
    {
        var queue = new ConcurrentQueue<FakeResponse>(responses[..^1]);
        scripted[pathContains] = queue;
        var last = responses[^1];
        defaults[pathContains] = _ => last;
    }

    /// <summary>Answers requests whose path contains <paramref name="pathContains"/> with a response made per request (e.g. a fresh id).</summary>
    public void RespondWith(string pathContains, Func<RecordedRequest, FakeResponse> respond)
    {
        scripted[pathContains] = new ConcurrentQueue<FakeResponse>();
        defaults[pathContains] = respond;
    }

    /// <summary>The Cloud API's send endpoint for the phone number id the test app is configured with (after the API version).</summary>
    public const string WhatsAppMessagesPath = "/109876543210/messages";

    /// <summary>Twilio's send endpoint for the account the test app is configured with (<c>ACtest</c>).</summary>
    public const string TwilioMessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";

    /// <summary>
    /// Accepts every WhatsApp send with a fresh <c>wamid</c>, as the Cloud API does (or answers what
    /// <paramref name="answerFor"/> says for a recipient). One fixed id for several sends would break the unique
    /// (channel, external id) of stored messages — including a job left over from an earlier test.
    /// </summary>
    public void AcceptWhatsAppSends(Func<string, FakeResponse?>? answerFor = null) =>
        RespondWith("/messages", request =>
            answerFor?.Invoke(JsonDocument.Parse(request.Body).RootElement.GetProperty("to").GetString()!)
            ?? FakeResponse.Json($$"""{ "messages": [{ "id": "wamid.{{Guid.NewGuid():N}}" }] }"""));

    /// <summary>Accepts every Twilio send with a fresh message SID, as Twilio does.</summary>
    public void AcceptSmsSends() =>
        RespondWith(TwilioMessagesPath, _ => FakeResponse.Json($$"""{ "sid": "SM{{Guid.NewGuid():N}}", "status": "queued" }""", 201));

    /// <summary>The WhatsApp sends received for <paramref name="phone"/>, as JSON bodies.</summary>
    public IReadOnlyList<JsonElement> WhatsAppSendsTo(string phone) =>
        [.. Requests.Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.TryGetProperty("to", out var to) && to.GetString() == phone.TrimStart('+'))];

    public void Reset()
    {
        requests.Clear();
        scripted.Clear();
        defaults.Clear();
    }

    /// <summary>Completes with the first request (past or future) that matches.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate, TimeSpan? timeout = null)
    {
        var signal = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (requests.FirstOrDefault(predicate) is { } seen)
            {
                return Task.FromResult(seen);
            }

            waiters.Add((predicate, signal));
        }

        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync()) { ConnectionId = context.Connection.Id };

        FakeResponse response;
        lock (gate)
        {
            requests.Enqueue(recorded);
            foreach (var waiter in waiters.Where(w => w.Predicate(recorded)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Signal.TrySetResult(recorded);
            }

            var key = scripted.Keys.Where(k => recorded.Path.Contains(k, StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
            response = key is null ? FakeResponse.Json("{}")
                : scripted[key].TryDequeue(out var next) ? next : defaults[key](recorded);
        }

        if (response.Hold is { } hold)
        {
            await hold;
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The server's id of the connection the request came on (requests on one kept-alive connection share it).</summary>
    public string ConnectionId { get; init; } = "";
}

public sealed record FakeResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>The answer waits until this completes: a provider still busy with the call (the request is recorded at once).</summary>
    public Task? Hold { get; init; }

    public static FakeResponse Json(string body, int status = 200) => new(status, body);
}
