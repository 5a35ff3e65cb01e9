using Hangfire;
using Microsoft.Extensions.Hosting;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// What consent does once a change is committed, as jobs: answer an opt-out keyword or help request, and look at every
/// failed SMS / WhatsApp send for the provider's opt-out error — whether the provider refused it at once (the dispatcher)
/// or later (a status webhook). Events are published after commit, so the jobs see what they are about.
/// </summary>
internal sealed class ConsentFollowUps(ConversationEvents events, IBackgroundJobClient jobs) : IHostedService
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = events.Subscribe(OnEvent);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private void OnEvent(ConversationEvent conversationEvent)
    {
        switch (conversationEvent)
        {
            case ConsentChanged { OptedIn: false, Source: ConsentSource.Keyword or ConsentSource.Button } optOut:
                jobs.Enqueue<ConsentReplyJob>(j => j.ConfirmOptOutAsync(optOut.ChangeId, CancellationToken.None));
                break;
            case ConsentHelpRequested help:
                jobs.Enqueue<ConsentReplyJob>(j => j.AnswerHelpAsync(help.MessageId, CancellationToken.None));
                break;
            case MessageStatusChanged { Status: DeliveryStatus.Failed, Channel: ChannelKind.Sms or ChannelKind.WhatsApp } failed:
                jobs.Enqueue<ProviderOptOutJob>(j => j.RunAsync(failed.MessageId, CancellationToken.None));
                break;
        }
    }
}
