namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// Optional for an <see cref="IInboundChannel"/> whose signature covers a one-time value but not the body (an email
/// inbound-parse webhook signs <c>timestamp + token</c>). After <see cref="IInboundChannel.Inspect"/> accepted a delivery,
/// the ingest pipeline remembers its nonce and refuses a second delivery with the same one, so a captured signature cannot
/// carry another body.
/// </summary>
public interface IReplayGuardedChannel
{
    /// <summary>The one-time value of a delivery that <see cref="IInboundChannel.Inspect"/> accepted; null when it has none.</summary>
    ReplayNonce? ReplayNonceOf(WebhookRequest request);
}

/// <param name="Value">The provider's one-time value (a token, or timestamp and signature together).</param>
/// <param name="RememberUntil">When the delivery would be refused as stale anyway (UTC); the nonce can be forgotten then.</param>
public sealed record ReplayNonce(string Value, DateTime RememberUntil);
