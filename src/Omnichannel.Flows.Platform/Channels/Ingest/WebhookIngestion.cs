using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// The one path every provider webhook takes: verify → store the raw delivery (deduplicated) → answer → process later.
/// Our own web chat stores its visitors' messages through <see cref="StoreAsync"/> too.
/// </summary>
public sealed class WebhookIngestion(
    ChannelRegistry channels,
    InboundEventWriter writer,
    InboundEventPump pump,
    WebhookNonces nonces,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookIngestion> logger)
{
    public async Task<IResult> HandleAsync(ChannelKind channel, HttpContext context)
    {
        if (!channels.IsEnabled(channel))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Channel disabled",
                detail: $"The {channel.ToName()} channel is disabled on this installation.");
        }

        var body = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                detail: $"Webhook bodies are limited to {options.Value.MaxBodyBytes} bytes.");
        }

        var inbound = channels.Inbound(channel);
        var request = new WebhookRequest
        {
            Body = body,
            ContentType = context.Request.ContentType,
            Headers = context.Request.Headers,
            Query = context.Request.Query,
            Url = context.Request.GetEncodedUrl(),
            PathAndQuery = context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent(),
        };

        switch (inbound.Inspect(request))
        {
            case WebhookVerdict.UnauthorizedVerdict unauthorized:
                logger.LogWarning("Rejected a {Channel} webhook: {Reason}", channel, unauthorized.Reason);
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature",
                    detail: unauthorized.Reason);
            case WebhookVerdict.MalformedVerdict malformed:
                logger.LogWarning("Malformed {Channel} webhook at {Pointer}: {Detail}", channel, malformed.Pointer, malformed.Detail);
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook body",
                    detail: malformed.Detail, extensions: new Dictionary<string, object?> { ["pointer"] = malformed.Pointer });
        }

        var nonce = (inbound as IReplayGuardedChannel)?.ReplayNonceOf(request);
        if (nonce is not null && !await nonces.TryClaimAsync(channel, nonce, context.RequestAborted))
        {
            logger.LogWarning("Rejected a {Channel} webhook: its signed nonce was used before", channel);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Replayed webhook",
                detail: "This signed token was used before; a signature is accepted once.");
        }

        var stored = false;
        try
        {
            stored = await StoreAsync(channel, inbound.Capture(request), context.Request.ContentType, null, context.RequestAborted);
        }
        finally
        {
            if (!stored && nonce is not null)
            {
                // Not stored: the provider delivers again with the same token, which must then be accepted.
                await nonces.ReleaseAsync(channel, nonce);
            }
        }

        return stored ? inbound.Acknowledge() : ShuttingDown();
    }

    /// <summary>
    /// Stores a raw delivery for background processing, once per <paramref name="dedupeKey"/> (by default the SHA-256 of
    /// the body, so a provider's redelivery of the same payload is stored once).
    /// </summary>
    /// <returns>False when the app is shutting down; the sender should deliver again (see <see cref="ShuttingDown"/>).</returns>
    public async Task<bool> StoreAsync(ChannelKind channel, byte[] body, string? contentType, string? dedupeKey, CancellationToken cancellationToken)
    {
        var delivery = new InboundEvent
        {
            Channel = channel,
            DedupeKey = dedupeKey ?? Convert.ToHexStringLower(SHA256.HashData(body)),
            ContentType = contentType,
            Payload = body,
            ReceivedAt = time.GetUtcNow().UtcDateTime,
            TraceParent = Activity.Current?.Id,
            State = InboundEventState.Pending,
        };

        try
        {
            if (await writer.WriteAsync(delivery, cancellationToken))
            {
                FlowsTelemetry.WebhooksStored.Add(1, new KeyValuePair<string, object?>("channel", channel.ToName()));
                pump.Signal();
            }

            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    public static IResult ShuttingDown() => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shutting down",
        detail: "The app is stopping; deliver again.");

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
