using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Serialization;

namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary>
/// <c>flow.httpRequest</c>: calls an HTTP endpoint (URL, headers and JSON body may use Liquid) and maps fields of the
/// JSON response to variables by JSON pointer. 2xx continues through <c>done</c>, other statuses through
/// <c>failed</c>; no answer (network error, timeout) faults the step so it can be retried. Non-GET requests carry the
/// step's idempotency key as <c>Idempotency-Key</c>. The host configures the named client (<see cref="ClientName"/>); the
/// platform bounds its connections per host.
/// </summary>
public sealed class HttpRequestActivity(IHttpClientFactory clients) : IActivity
{
    public const string ClientName = "Omnichannel.Flows.Engine.HttpRequest";

    /// <summary>The largest response read for its mapping (a CRM's answer is a few kilobytes); a larger one faults the step.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    public ActivityDescriptor Descriptor { get; } = new(
        "flow.httpRequest", "Integration", "HTTP request", "Calls a web service and keeps fields of its answer in variables.",
        [
            new("method", InputKind.Select, "Method", "HTTP method.") { Options = ["GET", "POST", "PUT", "PATCH", "DELETE"], Default = BuiltInInputs.Json("GET") },
            new("url", InputKind.LiquidText, "URL", "Absolute http(s) URL; may use Liquid.") { Required = true },
            new("headers", InputKind.Json, "Headers", "Object of header name → value (values may use Liquid).") { Parser = ParseHeaders },
            new("body", InputKind.LiquidText, "JSON body", "A JSON document as a Liquid template, e.g. {\"name\": {{ contact.first_name | json }}}."),
            new("responseMapping", InputKind.Json, "Response mapping", "Object of variable → JSON pointer into the response, e.g. { \"orderId\": \"/data/id\" }.") { Parser = ParseMapping },
            new("timeout", InputKind.Duration, "Timeout", "How long to wait for the answer.") { Default = BuiltInInputs.Json("PT30S") },
        ],
        [Ports.Done, Ports.Failed]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        var url = context.Render("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return ActivityOutcome.Fault($"'{url}' is not an absolute http(s) URL.");
        }

        var method = context.Input<string>("method");
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (context.HasInput("body"))
        {
            request.Content = new StringContent(context.Render("body"), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in context.OptionalInput<Header[]>("headers") ?? [])
        {
            var rendered = context.Render(value, "headers." + name);
            if (!request.Headers.TryAddWithoutValidation(name, rendered))
            {
                request.Content?.Headers.Remove(name);
                request.Content?.Headers.TryAddWithoutValidation(name, rendered);
            }
        }

        if (method != "GET")
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", context.IdempotencyKey);
        }

        using var timeout = new CancellationTokenSource(context.Input<TimeSpan>("timeout"), context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeout.Token);
        // Only the headers are awaited: the body is read, bounded, when fields of it are mapped, and not at all otherwise.
        using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        context.Record("status", ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!response.IsSuccessStatusCode)
        {
            return ActivityOutcome.Continue(Ports.Failed);
        }

        if (context.OptionalInput<Mapping[]>("responseMapping") is { Length: > 0 } mappings)
        {
            await MapResponseAsync(context, response.Content, mappings, linked.Token);
        }

        return ActivityOutcome.Done;
    }

    private static async Task MapResponseAsync(StepContext context, HttpContent content, Mapping[] mappings, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await ReadBoundedAsync(content, cancellationToken));
        foreach (var (variable, pointer) in mappings)
        {
            if (JsonPointers.TryResolve(document.RootElement, pointer, out var value))
            {
                context.SetVariable(variable, value);
            }
        }
    }

    /// <summary>The response's body, refused once it grows past <see cref="MaxResponseBytes"/> (its length may be unknown up front).</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw TooLarge();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxResponseBytes)
            {
                throw TooLarge();
            }

            body.Write(chunk, 0, read);
        }

        return body.ToArray();

        static HttpRequestException TooLarge() =>
            new($"The response is larger than {MaxResponseBytes / 1024:N0} KB; only smaller ones are read for their fields.");
    }

    private static object? ParseHeaders(JsonElement value, InputParseContext context) =>
        BuiltInInputs.ParseMembers(value, context, "Expected an object of header name → value.", header =>
        {
            if (header.Name.Length == 0 || header.Name.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                context.AddError("Not a valid header name.", header.Name);
                return null;
            }

            return context.ParseLiquid(header.Value, header.Name) is { } text ? new Header(header.Name, text) : null;
        });

    private static object? ParseMapping(JsonElement value, InputParseContext context) =>
        BuiltInInputs.ParseMembers(value, context, "Expected an object of variable → JSON pointer.", map =>
        {
            if (!BuiltInInputs.IsVariableName(map.Name))
            {
                context.AddError("Not a variable name: letters, digits and _, not starting with a digit.", map.Name);
                return null;
            }

            if (map.Value.ValueKind != JsonValueKind.String || !JsonPointers.IsValid(map.Value.GetString()!))
            {
                context.AddError("Expected a JSON pointer such as \"/data/id\".", map.Name);
                return null;
            }

            return new Mapping(map.Name, map.Value.GetString()!);
        });

    private sealed record Header(string Name, LiquidText Value);

    private sealed record Mapping(string Variable, string Pointer);
}
