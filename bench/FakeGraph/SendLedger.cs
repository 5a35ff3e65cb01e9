using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Omnichannel.Flows.Bench.FakeGraph;

/// <summary>Every send the fake accepted (recipient, our callback data, its wamid, when), and per second what it accepted and refused.</summary>
internal sealed class SendLedger(ThroughputLimit limit)
{
    private static readonly byte[] Refusal = """{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"}}}"""u8.ToArray();

    private readonly long started = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<Record> records = new();
    private readonly ConcurrentDictionary<long, int[]> seconds = new();
    private readonly ConcurrentQueue<(string Label, double At)> marks = new();
    private long sequence;
    private long accepted;
    private long refused;

    public async Task HandleAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var at = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var counts = seconds.GetOrAdd((long)at, _ => new int[2]);
        if (!limit.TryTake())
        {
            Interlocked.Increment(ref counts[1]);
            Interlocked.Increment(ref refused);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Refusal, context.RequestAborted);
            return;
        }

        var to = body.RootElement.TryGetProperty("to", out var t) ? t.GetString() ?? "" : "";
        var callback = body.RootElement.TryGetProperty("biz_opaque_callback_data", out var c) ? c.GetString() ?? "" : "";
        var wamid = $"wamid.FAKE{Interlocked.Increment(ref sequence):D10}";
        records.Enqueue(new Record(to, callback, wamid, at));
        Interlocked.Increment(ref counts[0]);
        Interlocked.Increment(ref accepted);
        await context.Response.WriteAsJsonAsync(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = to, wa_id = to } },
            messages = new[] { new { id = wamid } },
        }, context.RequestAborted);
    }

    /// <summary>Notes a moment (e.g. the kill) on the fake's own clock.</summary>
    public object Mark(string label)
    {
        var at = Stopwatch.GetElapsedTime(started).TotalSeconds;
        marks.Enqueue((label, at));
        return new { label, at };
    }

    /// <summary>Counts (cheap, for polling); with <paramref name="full"/> also duplicates, marks and the per-second timeline.</summary>
    public object Stats(bool full)
    {
        if (!full)
        {
            return new { rate = limit.Rate, accepted = Interlocked.Read(ref accepted), refused = Interlocked.Read(ref refused) };
        }

        var all = records.ToArray();
        return new
        {
            rate = limit.Rate,
            accepted = all.Length,
            refused = Interlocked.Read(ref refused),
            recipients = all.Select(r => r.To).Distinct().Count(),
            duplicateRecipients = all.GroupBy(r => r.To).Count(g => g.Count() > 1),
            duplicateCallbacks = all.GroupBy(r => r.Callback).Count(g => g.Count() > 1),
            marks = marks.Select(m => new { label = m.Label, at = m.At }),
            seconds = seconds.OrderBy(s => s.Key).Select(s => new { second = s.Key, accepted = s.Value[0], refused = s.Value[1] }),
        };
    }

    /// <summary>The accepted sends as CSV: <c>to,callback,wamid,at</c>.</summary>
    public async Task WriteRecordsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/csv";
        await using var writer = new StreamWriter(context.Response.Body);
        foreach (var record in records)
        {
            await writer.WriteLineAsync(FormattableString.Invariant($"{record.To},{record.Callback},{record.Wamid},{record.At:F3}"));
        }
    }

    private sealed record Record(string To, string Callback, string Wamid, double At);
}
