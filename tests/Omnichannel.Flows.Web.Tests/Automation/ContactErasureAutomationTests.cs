using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Erasing a contact (GDPR art. 17) also erases what automation holds about them: their runs with journal and waits,
/// their time triggers and their automation events (a message's text is in one). Their waiting run never resumes; other
/// contacts' runs go on as before.
/// </summary>
public sealed class ContactErasureAutomationTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    private const string Secret = "my account number is 4711";

    [Fact]
    public async Task ErasingAContact_DeletesTheirRunsTimeTriggersAndEvents_AndTheirWaitingRunNeverResumes()
    {
        using var admin = await app.CreateAdminClientAsync();
        var onMessage = TestFlows.Node("start", "trigger.messageReceived", new JsonObject { ["channels"] = new JsonArray("whatsapp") });
        var waitFlow = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("erase-wait"), onMessage, TestFlows.Wait("PT1H"), TestFlows.Record()));
        var onIdle = TestFlows.Node("start", "trigger.conversationIdle", new JsonObject { ["duration"] = "PT2H" });
        var idleFlow = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("erase-idle"), onIdle, TestFlows.Record("idle")));
        var erased = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), Secret);
        var kept = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "when do you open?");
        await app.WaitForEventsDispatchedAsync(erased);
        await app.WaitForEventsDispatchedAsync(kept);
        var erasedRun = Assert.Single(await app.RunsOfContactAsync(erased));
        await GiveUpOnAnEventAsync(erased);

        await using (var before = await app.CreateDbContextAsync())
        {
            Assert.Equal(FlowStatus.Suspended, erasedRun.Status);
            Assert.Contains(Secret, erasedRun.Snapshot);
            Assert.True(await before.FlowJournal.AnyAsync(j => j.InstanceId == erasedRun.Id));
            Assert.True(await before.FlowBookmarks.AnyAsync(b => b.InstanceId == erasedRun.Id));
            Assert.True(await before.FlowTriggerTimers.AnyAsync(t => t.ContactId == erased));
            Assert.Equal(3, await before.AutomationEvents.CountAsync(e => e.ContactId == erased)); // created, message, given up on
            Assert.Contains(await before.AutomationEvents.Select(e => e.Payload).ToListAsync(), p => p != null && p.Contains(Secret));
        }

        var response = await admin.DeleteAsync($"/api/contacts/{erased}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using (var after = await app.CreateDbContextAsync())
        {
            Assert.Empty(await app.RunsOfContactAsync(erased));
            Assert.False(await after.FlowJournal.AnyAsync(j => j.InstanceId == erasedRun.Id));
            Assert.False(await after.FlowBookmarks.AnyAsync(b => b.InstanceId == erasedRun.Id));
            Assert.False(await after.FlowTriggerTimers.AnyAsync(t => t.ContactId == erased));
            Assert.False(await after.AutomationEvents.AnyAsync(e => e.ContactId == erased));
            Assert.DoesNotContain(await after.AutomationEvents.Select(e => e.Payload).ToListAsync(), p => p != null && p.Contains(Secret));
            Assert.True(await after.AutomationEvents.AnyAsync(e => e.ContactId == kept));
        }

        // Past the wait and the idle time: the kept contact's runs go on, nothing runs for the erased one.
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(3));
        var keptRuns = await app.WaitForAsync(() => app.RunsOfContactAsync(kept), r => r.Count == 2 && r.All(run => run.Status == FlowStatus.Finished),
            "the kept contact's wait and idle runs to finish");
        Assert.Equal(new[] { idleFlow, waitFlow }, keptRuns.Select(r => r.FlowId).Order());
        Assert.Empty(await app.RunsOfContactAsync(erased));
        Assert.Equal(0, app.Effects.CountFor(erasedRun.Id));
    }

    /// <summary>An event of the contact given up on after its attempts (kept, with its payload, for whoever looks into it).</summary>
    private async Task GiveUpOnAnEventAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        db.AutomationEvents.Add(new AutomationEvent
        {
            Type = AutomationEventTypes.TagAdded,
            ContactId = contactId,
            Payload = $$"""{ "tag": "{{Secret}}" }""",
            OccurredAt = app.Clock.GetUtcNow().UtcDateTime,
            State = AutomationEventState.Failed,
            Attempts = 5,
            Error = "The test gave up on it.",
        });
        await db.SaveChangesAsync();
    }
}
