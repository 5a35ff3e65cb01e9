using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Web.Components.Contacts;

/// <summary>A channel the customer can be reached on; a disabled one is listed so agents see why a send is refused.</summary>
public sealed record ReplyChannel(ChannelKind Channel, bool Enabled);
