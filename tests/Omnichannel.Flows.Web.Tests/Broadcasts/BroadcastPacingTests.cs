using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>
/// The sending number's pace on a fake clock (5 messages/s): the sends each second of fake time lets through are counted
/// on the wire — no test here measures real time. Pause, resume and cancel take effect between chunks.
/// </summary>
public sealed class BroadcastPacingTests(SlowBroadcastAppFactory app) : IClassFixture<SlowBroadcastAppFactory>
{
    private const int Rate = SlowBroadcastAppFactory.Rate;

    [Fact]
    public async Task Sending_AtFivePerSecond_StartsNoMoreThanFiveSendsInASecond()
    {
        var (phones, id, admin) = await BroadcastToAsync(12);
        using var waiting = new ThrottleWaits(app);

        await admin.StartBroadcastAsync(id);
        var perSecond = new List<int>();
        for (var second = 1; second <= 2; second++)
        {
            // The next send waits for the clock: whatever this second let through has been sent (or is on its way).
            Assert.True(await waiting.NextAsync(), "The sender never waited for its next second.");
            await SentAsync(phones, Rate * second);
            perSecond.Add(Sends(phones));
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await app.WaitUntilCompletedAsync(id);

        Assert.Equal([5, 10], perSecond);
        Assert.All(phones, phone => Assert.Single(app.Provider.WhatsAppSendsTo(phone)));
    }

    [Fact]
    public async Task Pause_StopsAfterTheChunkUnderWay_AndResumeContinuesWhereItStopped()
    {
        var (phones, id, admin) = await BroadcastToAsync(12);
        using var waiting = new ThrottleWaits(app);
        await admin.StartBroadcastAsync(id);
        Assert.True(await waiting.NextAsync());

        var paused = await admin.PostAsync($"/api/broadcasts/{id}/pause", null);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.WaitForBroadcastAsync(id, b => b.LeaseToken is null);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var sentWhilePaused = Sends(phones);
        var resumed = await admin.PostAsync($"/api/broadcasts/{id}/resume", null);
        await app.WaitUntilCompletedAsync(id);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        // The first chunk, and the one already claimed when the pause came; nothing after.
        Assert.Equal(2 * Rate, sentWhilePaused);
        Assert.All(phones, phone => Assert.Single(app.Provider.WhatsAppSendsTo(phone)));
    }

    [Fact]
    public async Task Cancel_SkipsEveryoneNotSentYet_AfterTheChunkUnderWay()
    {
        var (phones, id, admin) = await BroadcastToAsync(12);
        using var waiting = new ThrottleWaits(app);
        await admin.StartBroadcastAsync(id);
        Assert.True(await waiting.NextAsync());

        var cancelled = await admin.PostAsync($"/api/broadcasts/{id}/cancel", null);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.WaitForBroadcastAsync(id, b => b.LeaseToken is null);
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var recipients = await app.RecipientsAsync(id);
        Assert.Equal(2 * Rate, recipients.Count(r => r.State == RecipientState.Sent));
        Assert.Equal(12 - (2 * Rate), recipients.Count(r => r is { State: RecipientState.Skipped, SkipReason: SkipReasons.Cancelled }));
        Assert.Equal(2 * Rate, Sends(phones));
        Assert.Equal("cancelled", (await admin.BroadcastAsync(id)).GetProperty("state").GetString());
    }

    private async Task<(List<string> Phones, Guid Id, HttpClient Admin)> BroadcastToAsync(int customers)
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Paced {{1}}", TemplateCategory.Marketing));
        var phones = Enumerable.Range(0, customers).Select(_ => TestData.NewGermanMobile()).ToList();
        foreach (var phone in phones)
        {
            await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        }

        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        // The number's pace is shared by every broadcast: let the sends of earlier tests leave its one-second window.
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        return (phones, await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template)), admin);
    }

    private int Sends(List<string> phones) => phones.Sum(p => app.Provider.WhatsAppSendsTo(p).Count);

    /// <summary>Waits for the sends already let through to reach the fake (they are HTTP calls under way).</summary>
    private async Task SentAsync(List<string> phones, int count)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (Sends(phones) < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation.Token);
        }
    }
}

/// <summary>Counts the times the WhatsApp sender waited for the clock (its next send could not start in the current second).</summary>
internal sealed class ThrottleWaits : IDisposable
{
    private readonly SendThrottle throttle;
    private readonly SemaphoreSlim waits = new(0);

    public ThrottleWaits(FlowsAppFactory app)
    {
        throttle = app.Services.GetRequiredService<SendThrottles>().For(ChannelKind.WhatsApp);
        throttle.Waiting += OnWaiting;
    }

    public Task<bool> NextAsync() => waits.WaitAsync(TimeSpan.FromSeconds(20));

    public void Dispose()
    {
        throttle.Waiting -= OnWaiting;
        waits.Dispose();
    }

    private void OnWaiting(TimeSpan wait) => waits.Release();
}

/// <summary>The WhatsApp messaging limit (3 here): outside-window customers beyond it wait, and the broadcast says so.</summary>
public sealed class BroadcastMessagingLimitTests(LimitedBroadcastAppFactory app) : IClassFixture<LimitedBroadcastAppFactory>
{
    [Fact]
    public async Task MessagingLimit_WhenReached_TheBroadcastWaitsAndSaysSo_InsideWindowCustomersStillGetIt()
    {
        var (tag, template) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Limited {{1}}", TemplateCategory.Marketing));
        var outside = Enumerable.Range(0, 5).Select(_ => TestData.NewGermanMobile()).ToList();
        foreach (var phone in outside)
        {
            await app.CustomerAsync(new(Phone: phone, Tags: [tag]));
        }

        var inside = TestData.NewGermanMobile();
        await app.CustomerAsync(new(Phone: inside, Tags: [tag], WroteAt: app.Clock.GetUtcNow().UtcDateTime.AddHours(-1)));
        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));

        await admin.StartBroadcastAsync(id);
        var waiting = await app.WaitForBroadcastAsync(id, b => b.WaitingReason == BroadcastWaits.MessagingLimit);
        var view = await admin.BroadcastAsync(id);
        var sentOutside = outside.Sum(p => app.Provider.WhatsAppSendsTo(p).Count);
        app.Clock.Advance(waiting.WaitingUntil!.Value - app.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BroadcastRecovery>().RecoverAsync(onStart: false, CancellationToken.None);
        }

        await app.WaitUntilCompletedAsync(id);

        Assert.Equal(LimitedBroadcastAppFactory.Limit, sentOutside);
        Assert.Single(app.Provider.WhatsAppSendsTo(inside));
        Assert.Equal("messaging_limit", view.GetProperty("waiting").GetProperty("reason").GetString());
        Assert.Equal(2, view.GetProperty("progress").GetProperty("queued").GetInt32());
        Assert.InRange(waiting.WaitingUntil.Value - app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(-1), TimeSpan.Zero);
        Assert.All(outside, phone => Assert.Single(app.Provider.WhatsAppSendsTo(phone)));
    }
}
