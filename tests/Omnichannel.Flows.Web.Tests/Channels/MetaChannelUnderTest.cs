using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Messenger or Instagram as a test drives it: its webhook path, envelope object and secrets.</summary>
public sealed record MetaChannelUnderTest(ChannelKind Channel, string EnvelopeObject, string AppSecret, string VerifyToken)
{
    public string Name => Channel.ToName();

    public string WebhookPath => $"/webhooks/{Name}";

    public static MetaChannelUnderTest For(FlowsAppFactory app, string name) => name switch
    {
        "messenger" => new(ChannelKind.Messenger, "page", app.Secrets.MessengerAppSecret, app.Secrets.MessengerVerifyToken),
        "instagram" => new(ChannelKind.Instagram, "instagram", app.Secrets.InstagramAppSecret, app.Secrets.InstagramVerifyToken),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a Meta messaging channel."),
    };

    public Task<HttpResponseMessage> PostAsync(HttpClient client, params string[] items) =>
        client.PostMetaAsync(WebhookPath, MetaPayloads.Envelope(EnvelopeObject, items), AppSecret);
}
