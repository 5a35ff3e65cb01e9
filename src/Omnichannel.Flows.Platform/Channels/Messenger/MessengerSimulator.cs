using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Messenger;

/// <summary>A customer writing to the Facebook Page on Messenger.</summary>
public sealed class MessengerSimulator(IOptions<MessengerOptions> options, TimeProvider time)
    : MetaMessagingSimulator<MessengerOptions>(options, time)
{
    public override string CustomerIdLabel => "Page-scoped id (PSID)";

    public override string CustomerIdExample => "6543210987654321";
}
