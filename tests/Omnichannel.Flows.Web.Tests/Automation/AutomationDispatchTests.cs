using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>Automation events start the published flows whose triggers match, once, as their concurrency allows.</summary>
public sealed class AutomationDispatchTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task TagAdded_StartsThePublishedFlowOnce_EvenIfTheEventIsDispatchedAgain()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = NewTag();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("vip"), TestFlows.TagAdded(tag), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1 && r[0].Status == FlowStatus.Finished, "the flow to run");
        await RedispatchAsync(contactId);

        Assert.Single(await app.RunsAsync(id));
        Assert.Equal(contactId.ToString(), runs[0].SubjectId);
        Assert.Equal(1, app.Effects.CountFor(runs[0].Id));
    }

    [Fact]
    public async Task TagFilter_OnlyTheNamedTagStartsTheFlow()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("filter"), TestFlows.TagAdded(NewTag()), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag = NewTag() });
        await app.WaitForEventsDispatchedAsync(contactId);

        Assert.Empty(await app.RunsAsync(id));
    }

    [Fact]
    public async Task DraftOrDisabledFlows_DoNotStart()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = NewTag();
        var draft = TestFlows.NewId("draft");
        (await admin.PostAsync("/api/flows/import", Json(TestFlows.Chain(draft, TestFlows.TagAdded(tag), TestFlows.Record())))).EnsureSuccessStatusCode();
        var disabled = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("disabled"), TestFlows.TagAdded(tag), TestFlows.Record()));
        (await admin.PostAsync($"/api/flows/{disabled}/disable", null)).EnsureSuccessStatusCode();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        await app.WaitForEventsDispatchedAsync(contactId);

        Assert.Empty(await app.RunsAsync(draft));
        Assert.Empty(await app.RunsAsync(disabled));
    }

    [Fact]
    public async Task ConcurrencySingle_SkipsASecondStartForTheContact_AndJournalsIt()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = NewTag();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("single"), TestFlows.TagAdded(tag), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        await admin.DeleteAsync($"/api/contacts/{contactId}/tags/{tag}");
        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        await app.WaitForEventsDispatchedAsync(contactId);

        var run = Assert.Single(await app.RunsAsync(id));
        Assert.Equal(FlowStatus.Suspended, run.Status);
        var details = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{run.Id}");
        Assert.Contains(details!["journal"]!.AsArray(), step => step!["outcome"]!.GetValue<string>() == "skipped");
    }

    [Fact]
    public async Task ConcurrencySingle_RunsForNoContactCountAsOneSubject()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("single-none"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var first = await AutomationTimerTests.StartAsync(admin, id);

        var second = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(first, Assert.Single(await app.RunsAsync(id)).Id);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        var forContact = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { contactId });
        Assert.Equal(HttpStatusCode.Accepted, forContact.StatusCode);
    }

    [Fact]
    public async Task ConcurrencyRestart_CancelsTheActiveRunAndStartsAgain()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await TagTwiceWhileTheFirstRunWaitsAsync(admin, "restart");

        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 2 && r[1].Status == FlowStatus.Suspended, "the second run");

        Assert.Equal(FlowStatus.Cancelled, runs[0].Status);
        var first = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runs[0].Id}");
        Assert.Contains(first!["journal"]!.AsArray(), s => s!["outcome"]!.GetValue<string>() == "cancelled" && s["error"]!.GetValue<string>().StartsWith("Restarted", StringComparison.Ordinal));
        Assert.Empty(first["waits"]!.AsArray());
    }

    [Fact]
    public async Task ConcurrencyParallel_StartsASecondRunBesideTheWaitingOne_AndLeavesItAlone()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await TagTwiceWhileTheFirstRunWaitsAsync(admin, "parallel");

        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 2 && r.All(x => x.Status == FlowStatus.Suspended), "both runs to wait");

        var first = await admin.GetFromJsonAsync<JsonObject>($"/api/flow-runs/{runs[0].Id}");
        Assert.DoesNotContain(first!["journal"]!.AsArray(), s => s!["outcome"]!.GetValue<string>() is "skipped" or "cancelled");
        Assert.Single(first["waits"]!.AsArray());
    }

    [Fact]
    public async Task EventsCausedByAutomation_StartOnlyFlowsThatOptIn()
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = NewTag();
        var plain = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("plain"), TestFlows.TagAdded(tag), TestFlows.Record()));
        var optedIn = TestFlows.Chain(TestFlows.NewId("optin"), TestFlows.TagAdded(tag), TestFlows.Record());
        optedIn["triggerOnAutomation"] = true;
        var opted = await app.PublishAsync(admin, optedIn);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ContactTags>().AddAsync(contactId, tag, CancellationToken.None, causedByAutomation: true);
        }

        await app.WaitForAsync(() => app.RunsAsync(opted), r => r.Count == 1, "the opted-in flow to start");
        await app.WaitForEventsDispatchedAsync(contactId);
        Assert.Empty(await app.RunsAsync(plain));
    }

    /// <summary>Puts the contact's events back to pending, as a crash between starting flows and marking them would.</summary>
    private async Task RedispatchAsync(Guid contactId)
    {
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.AutomationEvents.Where(e => e.ContactId == contactId)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.State, AutomationEventState.Pending)
                    .SetProperty(e => e.DispatchedAt, (DateTime?)null)
                    .SetProperty(e => e.LockedUntil, (DateTime?)null));
        }

        await app.WaitForEventsDispatchedAsync(contactId);
    }

    /// <summary>
    /// Publishes tag added → wait an hour → record with <paramref name="concurrency"/>, tags a new contact, waits for that
    /// run to wait, then takes the tag off and adds it again (a second trigger for the same contact). Returns the flow id.
    /// </summary>
    private async Task<string> TagTwiceWhileTheFirstRunWaitsAsync(HttpClient admin, string concurrency)
    {
        var tag = NewTag();
        var flow = TestFlows.Chain(TestFlows.NewId(concurrency), TestFlows.TagAdded(tag), TestFlows.Wait("PT1H"), TestFlows.Record());
        flow["concurrency"] = concurrency;
        var id = await app.PublishAsync(admin, flow);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1 && r[0].Status == FlowStatus.Suspended, "the first run to wait");
        await admin.DeleteAsync($"/api/contacts/{contactId}/tags/{tag}");
        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag });
        return id;
    }

    private static string NewTag() => $"t{Guid.NewGuid():N}"[..12];

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
