using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

/// <summary>Waits and looks the consent tests share: what the policy says, and waiting for work done after a commit (jobs).</summary>
public static class ConsentSteps
{
    /// <summary>
    /// Re-reads with <paramref name="probe"/> on every conversation event (and every 250 ms) until it finds something.
    /// Replies and provider opt-outs are jobs run after the commit, so tests wait for their result, not for time.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(this FlowsAppFactory app, Func<FlowsDbContext, Task<T?>> probe, TimeSpan? timeout = null)
        where T : class
    {
        var events = app.Services.GetRequiredService<ConversationEvents>();
        var happened = new SemaphoreSlim(0);
        using var subscription = events.Subscribe(_ => happened.Release());
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            await using (var db = await app.CreateDbContextAsync())
            {
                if (await probe(db) is { } found)
                {
                    return found;
                }
            }

            try
            {
                await happened.WaitAsync(TimeSpan.FromMilliseconds(250), cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("What the test waited for did not happen in time.");
            }
        }
    }

    /// <summary>The contact's current consent on <paramref name="channel"/> for <paramref name="scope"/>, once there is one.</summary>
    public static Task<ContactConsent> WaitForConsentAsync(this FlowsAppFactory app, Guid contactId, ChannelKind channel, ConsentScope scope, bool optedIn) =>
        app.EventuallyAsync(db => db.ContactConsents.AsNoTracking()
            .FirstOrDefaultAsync(c => c.ContactId == contactId && c.Channel == channel && c.Scope == scope && c.OptedIn == optedIn));

    /// <summary>The platform's own answer to the contact (confirmation, help), once it left the outbox.</summary>
    public static Task<Message> WaitForSystemAnswerAsync(this FlowsAppFactory app, Guid contactId) =>
        app.EventuallyAsync(db => db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ContactId == contactId && m.Origin == MessageOrigin.System
            && m.Status != DeliveryStatus.Queued && m.Status != DeliveryStatus.Sending));

    public static async Task<ConsentDecision> PolicyAsync(this FlowsAppFactory app, Guid contactId, ChannelKind channel, SendPurpose purpose)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentPolicy>().CheckAsync(contactId, channel, purpose, CancellationToken.None);
    }

    /// <summary>The purposes the policy lets through to the contact on the channel, in declaration order.</summary>
    public static async Task<List<SendPurpose>> AllowedPurposesAsync(this FlowsAppFactory app, Guid contactId, ChannelKind channel)
    {
        var allowed = new List<SendPurpose>();
        foreach (var purpose in Enum.GetValues<SendPurpose>())
        {
            if ((await app.PolicyAsync(contactId, channel, purpose)).IsAllowed)
            {
                allowed.Add(purpose);
            }
        }

        return allowed;
    }

    public static async Task<List<ConsentChange>> HistoryAsync(this FlowsAppFactory app, Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ConsentChanges.AsNoTracking().Where(c => c.ContactId == contactId).OrderBy(c => c.RecordedAt).ToListAsync();
    }

    public static async Task<List<Message>> SystemMessagesAsync(this FlowsAppFactory app, Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ContactId == contactId && m.Origin == MessageOrigin.System).ToListAsync();
    }

    /// <summary>Runs a job in its own scope as Hangfire does (to run it a second time, or to see it do nothing).</summary>
    public static async Task RunJobAsync<TJob>(this FlowsAppFactory app, Func<TJob, Task> run) where TJob : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }
}
