using Hangfire;
using Microsoft.Extensions.Hosting;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Jobs;

/// <summary>Registers the recurring jobs and re-reads the outbox and the broadcasts from the database when the app starts.</summary>
internal sealed class JobsStartup(IRecurringJobManager recurring, IBackgroundJobClient jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<InboundEventRetention>(InboundEventRetention.JobId, j => j.PurgeAsync(CancellationToken.None), Cron.Daily());
        recurring.AddOrUpdate<AutomationRetention>(AutomationRetention.JobId, j => j.PurgeAsync(CancellationToken.None), Cron.Daily());
        recurring.AddOrUpdate<OutboxRecovery>(OutboxRecovery.JobId, j => j.RecoverAsync(false, CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<WhatsAppTemplateSync>(WhatsAppTemplateSync.JobId, j => j.RunScheduledAsync(CancellationToken.None), Cron.Hourly());
        jobs.Enqueue<OutboxRecovery>(j => j.RecoverAsync(true, CancellationToken.None));
        recurring.AddOrUpdate<BroadcastRecovery>(BroadcastRecovery.JobId, j => j.RecoverAsync(false, CancellationToken.None), Cron.Minutely());
        jobs.Enqueue<BroadcastRecovery>(j => j.RecoverAsync(true, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
