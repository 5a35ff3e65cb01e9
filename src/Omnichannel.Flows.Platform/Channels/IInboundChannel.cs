using Microsoft.AspNetCore.Http;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// The inbound seam of a channel: <see cref="Inspect"/> runs while the provider waits (signature first, then a cheap
/// shape check); <see cref="Parse"/> runs later in the background on the stored delivery.
/// </summary>
public interface IInboundChannel
{
    ChannelKind Channel { get; }

    WebhookVerdict Inspect(WebhookRequest request);

    /// <exception cref="InboundPayloadException">The stored delivery cannot be understood; it is kept as failed.</exception>
    IReadOnlyList<InboundItem> Parse(InboundEvent delivery);

    /// <summary>
    /// What is stored for a verified delivery: the body as it arrived, unless the channel needs more of the request to
    /// understand it later (Twilio status callbacks carry our message id in the callback URL's query).
    /// </summary>
    byte[] Capture(WebhookRequest request) => request.Body;

    /// <summary>What the provider expects back once the delivery is stored.</summary>
    IResult Acknowledge() => Results.Ok();
}

/// <summary>A webhook delivery as it arrived, before anything trusts it.</summary>
public sealed class WebhookRequest
{
    public required byte[] Body { get; init; }
    public string? ContentType { get; init; }
    public required IHeaderDictionary Headers { get; init; }
    public required IQueryCollection Query { get; init; }

    /// <summary>The URL the request arrived at as this app saw it (encoded): scheme, host, path base, path and query.</summary>
    public string Url { get; init; } = "";

    /// <summary>The path (without the path base) and query (encoded): what follows a proxied app's public base URL.</summary>
    public string PathAndQuery { get; init; } = "";
}

public abstract record WebhookVerdict
{
    public static readonly WebhookVerdict Accepted = new AcceptedVerdict();

    public static WebhookVerdict Unauthorized(string reason) => new UnauthorizedVerdict(reason);

    /// <param name="pointer">Where in the body: a JSON pointer or a form field name.</param>
    public static WebhookVerdict Malformed(string detail, string pointer) => new MalformedVerdict(detail, pointer);

    /// <summary><paramref name="next"/>'s verdict when this one accepts (a signature check before a shape check); otherwise this one.</summary>
    public WebhookVerdict AndThen(Func<WebhookVerdict> next) => this is AcceptedVerdict ? next() : this;

    /// <summary>Accepted when <paramref name="parse"/> understands the delivery; otherwise malformed, saying where.</summary>
    public static WebhookVerdict FromParse(Action parse)
    {
        try
        {
            parse();
            return Accepted;
        }
        catch (InboundPayloadException exception)
        {
            return Malformed(exception.Message, exception.Pointer);
        }
    }

    public sealed record AcceptedVerdict : WebhookVerdict;

    public sealed record UnauthorizedVerdict(string Reason) : WebhookVerdict;

    public sealed record MalformedVerdict(string Detail, string Pointer) : WebhookVerdict;
}

/// <summary>A stored delivery that does not parse. <see cref="Pointer"/> says where.</summary>
public sealed class InboundPayloadException(string message, string pointer) : Exception(message)
{
    public string Pointer { get; } = pointer;
}
