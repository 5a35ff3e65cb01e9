using System.Net;
using Omnichannel.Flows.Bench.FakeGraph;

// The Graph API as bench/broadcast.sh needs it: POST /{version}/{phone-number-id}/messages answers with a wamid and is
// recorded (recipient, biz_opaque_callback_data), at most FakeGraph:MessagesPerSecond a second (above it: HTTP 429 with
// Graph error 130429, as Meta answers a number over its throughput). Loopback only; nothing is persisted.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var rate = builder.Configuration.GetValue("FakeGraph:MessagesPerSecond", 1000);
var sends = new SendLedger(new ThroughputLimit(rate));

var app = builder.Build();
app.Use(async (context, next) =>
{
    if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return;
    }

    await next(context);
});
app.MapGet("/health/ready", () => Results.Ok());
app.MapPost("/{version}/{phoneNumberId}/messages", sends.HandleAsync);
app.MapPost("/marks/{label}", (string label) => Results.Ok(sends.Mark(label)));
app.MapGet("/stats", (bool? full) => Results.Ok(sends.Stats(full ?? false)));
app.MapGet("/records", sends.WriteRecordsAsync);
app.Run();
