using Omnichannel.Flows.Bench.Baseline;

// The yardstick for bench/ingest.sh: the least a WhatsApp webhook endpoint can do and still be correct. It checks
// X-Hub-Signature-256 and stores the delivery with one INSERT (one commit, one WAL sync) per request before answering
// 200. No parsing, no dedupe, no batching, no background work, no logging.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();

var appSecret = builder.Configuration["Baseline:AppSecret"];
var database = builder.Configuration["Baseline:Database"];
if (string.IsNullOrEmpty(appSecret) || string.IsNullOrEmpty(database))
{
    throw new InvalidOperationException("Set Baseline:AppSecret and Baseline:Database (e.g. Baseline__AppSecret, Baseline__Database).");
}

var signature = new HubSignature(appSecret);
var store = DeliveryStore.Open(database);

var app = builder.Build();
app.MapGet("/health/ready", () => Results.Ok());
app.MapPost("/webhooks/whatsapp", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    var body = await RequestBody.ReadAsync(request, cancellationToken);
    if (!signature.Matches(request.Headers[HubSignature.Header].ToString(), body))
    {
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    await store.InsertAsync(body, cancellationToken);
    return Results.Ok();
});

app.Run();
