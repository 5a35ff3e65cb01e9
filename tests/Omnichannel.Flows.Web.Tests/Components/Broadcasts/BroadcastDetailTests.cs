using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Broadcasts;
using Omnichannel.Flows.Web.Tests.Broadcasts;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Components.Broadcasts;

[Collection(BroadcastPagesCollection.Name)]
public sealed class BroadcastDetailTests(BroadcastAppFactory app) : BroadcastPagesContext(app)
{
    [Fact]
    public async Task PauseResumeCancel_EachActOnceConfirmed()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, new arrivals.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        var id = await BroadcastAsync(tag, template, startAt: App.Clock.GetUtcNow().UtcDateTime.AddDays(1));
        await SignInAsAdminAsync();
        var cut = Render<BroadcastDetailPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.Equal("scheduled", TextOf(cut, "broadcast-state")), Eventually);

        Click(cut, "broadcast-pause");
        Assert.Equal(BroadcastState.Scheduled, (await StoredAsync(id)).State); // asked first, not yet done
        Click(cut, "control-confirm-yes");
        cut.WaitForAssertion(() => Assert.Equal("paused", TextOf(cut, "broadcast-state")), Eventually);
        Assert.Equal(BroadcastState.Paused, (await StoredAsync(id)).State);

        Click(cut, "broadcast-resume");
        Click(cut, "control-confirm-yes");
        cut.WaitForAssertion(() => Assert.Equal("scheduled", TextOf(cut, "broadcast-state")), Eventually);

        Click(cut, "broadcast-cancel");
        Click(cut, "control-confirm-no");
        Assert.Equal(BroadcastState.Scheduled, (await StoredAsync(id)).State);
        Click(cut, "broadcast-cancel");
        Click(cut, "control-confirm-yes");
        cut.WaitForAssertion(() => Assert.Equal("cancelled", TextOf(cut, "broadcast-state")), Eventually);
        Assert.Equal(BroadcastState.Cancelled, (await StoredAsync(id)).State);
        Assert.Empty(cut.FindAll("[data-testid=broadcast-pause], [data-testid=broadcast-resume], [data-testid=broadcast-cancel]"));
    }

    [Fact]
    public async Task Detail_FollowsTheRunLive_AndListsFailuresWithTheirErrorCodes()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, last chance.", TemplateCategory.Marketing);
        var (delivered, refused) = (TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await App.CustomerAsync(new(Phone: delivered, Tags: [tag]));
        await App.CustomerAsync(new(Phone: refused, Tags: [tag], FirstName: "Rita"));
        App.Provider.AcceptWhatsAppSends(to => to == refused.TrimStart('+')
            ? FakeResponse.Json("""{ "error": { "message": "This message was not delivered to maintain healthy ecosystem engagement.", "type": "OAuthException", "code": 131049 } }""", 400)
            : null);
        var id = await BroadcastAsync(tag, template, schedule: false);
        await SignInAsAdminAsync();
        var cut = Render<BroadcastDetailPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.Equal("draft", TextOf(cut, "broadcast-state")), Eventually);

        await BroadcastAsync(id);

        // No reload by the test: the page follows the runner's change events.
        cut.WaitForAssertion(() => Assert.Equal("completed", TextOf(cut, "broadcast-state")), Eventually);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("1 sent", TextOf(cut, "progress-sent"));
            Assert.Equal("1 failed", TextOf(cut, "progress-failed"));
            Assert.Equal("2", TextOf(cut, "progress-total"));
            var failure = cut.Find("[data-testid=failure]");
            Assert.Contains("Rita", failure.TextContent);
            Assert.Equal("131049", failure.QuerySelector("[data-testid=failure-code]")!.TextContent.Trim());
        }, Eventually);
    }

    [Fact]
    public async Task Detail_SaysWhyARunningBroadcastWaits_AndUntilWhen()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, good morning.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], TimeZone: "Europe/Berlin"));
        App.Provider.AcceptWhatsAppSends();
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(App.Clock.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));
        var quiet = new QuietHoursRequest(local.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture), local.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture));
        var id = await BroadcastAsync(tag, template, schedule: false, quietHours: quiet);
        await SignInAsAdminAsync();
        var cut = Render<BroadcastDetailPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.Equal("draft", TextOf(cut, "broadcast-state")), Eventually);

        await BroadcastAsync(id);

        var waiting = await App.WaitForBroadcastAsync(id, b => b.WaitingReason == BroadcastWaits.QuietHours);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("running", TextOf(cut, "broadcast-state"));
            var notice = Row(cut, "broadcast-waiting", "data-reason", BroadcastWaits.QuietHours).TextContent;
            Assert.Contains($"Waiting: quiet hours until {waiting.WaitingUntil:yyyy-MM-dd HH:mm} UTC", notice);
        }, Eventually);
        Assert.Equal("0 sent", TextOf(cut, "progress-sent"));

        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BroadcastControl>().CancelAsync(id, CancellationToken.None);  // nothing left to wake later
    }

    [Fact]
    public async Task List_ShowsEachBroadcastWithItsStateAndChannels_LinksToIt_AndFiltersByState()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, see you soon.", TemplateCategory.Marketing);
        var id = await BroadcastAsync(tag, template, schedule: false);
        await SignInAsAdminAsync();

        var cut = Render<BroadcastListPage>();

        cut.WaitForAssertion(() =>
        {
            var row = cut.FindAll("tr").Single(r => r.QuerySelector($"[data-testid=broadcast-link][href='broadcasts/{id}']") is not null);
            Assert.Contains($"Broadcast {tag}", row.TextContent);
            Assert.Equal("draft", row.QuerySelector("[data-testid=broadcast-state]")!.TextContent.Trim());
            Assert.Contains("WhatsApp", row.QuerySelector("[data-testid=channel-chip]")!.TextContent);
        }, Eventually);

        Click(cut, "filter-completed");
        cut.WaitForAssertion(() => Assert.DoesNotContain(cut.FindAll("[data-testid=broadcast-link]"), l => l.GetAttribute("href") == $"broadcasts/{id}"), Eventually);
        Click(cut, "filter-draft");
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=broadcast-link]"), l => l.GetAttribute("href") == $"broadcasts/{id}"), Eventually);
    }

    /// <summary>Schedules a stored draft now, with its estimate confirmed, as the wizard's last step does.</summary>
    private async Task BroadcastAsync(Guid id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var estimate = (await scope.ServiceProvider.GetRequiredService<BroadcastDrafts>().EstimateAsync(id, CancellationToken.None)).Value!;
        var scheduled = await scope.ServiceProvider.GetRequiredService<BroadcastControl>().ScheduleAsync(id, new ScheduleRequest(null, estimate.Total), CancellationToken.None);
        Assert.True(scheduled.Succeeded, scheduled.Refusal?.Detail);
    }
}
