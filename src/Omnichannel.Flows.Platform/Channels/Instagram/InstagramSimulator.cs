using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Instagram;

/// <summary>A customer writing to the Instagram professional account.</summary>
public sealed class InstagramSimulator(IOptions<InstagramOptions> options, TimeProvider time)
    : MetaMessagingSimulator<InstagramOptions>(options, time)
{
    public override string CustomerIdLabel => "Instagram-scoped id (IGSID)";

    public override string CustomerIdExample => "1234567890123456";
}
