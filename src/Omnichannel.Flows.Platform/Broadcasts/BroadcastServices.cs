using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>The singletons a broadcast run works with, in one place (a run builds its lanes, recorder and budget from them).</summary>
public sealed record BroadcastServices(
    IDbContextFactory<FlowsDbContext> Dbs,
    IServiceScopeFactory Scopes,
    BroadcastOutbox Outbox,
    BroadcastLeases Leases,
    ChannelRegistry Channels,
    ServiceWindowPolicy Windows,
    CostEstimator Costs,
    SendThrottles Throttles,
    ConversationEvents Events,
    BroadcastActivity Activity,
    DatabaseWriteGate WriteGate,
    DeliveryStatusRecorder Statuses,
    TimeProvider Time,
    IOptions<BroadcastOptions> Options);
