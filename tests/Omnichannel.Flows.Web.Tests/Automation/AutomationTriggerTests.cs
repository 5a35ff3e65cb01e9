using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>Customer messages start flows, resume runs waiting for a reply, and arm the time triggers.</summary>
public sealed class AutomationTriggerTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task MessageReceived_WithKeyword_StartsOnlyOnAMatchingMessage_WithTheMessageAsTrigger()
    {
        using var admin = await app.CreateAdminClientAsync();
        var keyword = $"kw{Guid.NewGuid():N}"[..10];
        var trigger = TestFlows.Node("start", "trigger.messageReceived", new JsonObject { ["keyword"] = keyword, ["channels"] = new JsonArray("whatsapp") });
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("keyword"), trigger, TestFlows.Record()));
        var phone = TestData.NewGermanMobile();

        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, $"tell me about {keyword}s please");
        await app.CustomerWritesOnWhatsAppAsync(phone, $"I said {keyword.ToUpperInvariant()}!");
        await app.WaitForEventsDispatchedAsync(contactId);

        var run = Assert.Single(await app.RunsAsync(id));
        Assert.Contains($"I said {keyword.ToUpperInvariant()}!", run.Snapshot);
    }

    [Fact]
    public async Task WaitForReply_IsResumedByTheContactsNextMessage_AndItsTimeoutThenDoesNothing()
    {
        using var admin = await app.CreateAdminClientAsync();
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hi");
        await app.WaitForEventsDispatchedAsync(contactId);
        var flow = TestFlows.Graph(TestFlows.NewId("reply"),
            [TestFlows.Manual(), TestFlows.Node("ask", "flow.waitForReply", new JsonObject { ["timeout"] = "PT1H", ["saveAs"] = "reply" }),
             TestFlows.Record("replied"), TestFlows.Record("timedOut")],
            ("start", "done", "ask"), ("ask", "replied", "replied"), ("ask", "timedOut", "timedOut"));
        var id = await app.PublishAsync(admin, flow);
        var start = await admin.PostAsJsonAsync($"/api/flows/{id}/start", new { contactId });
        var runId = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

        await app.CustomerWritesOnWhatsAppAsync(phone, "yes please");
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the reply to resume the run");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(2));

        Assert.Equal(["replied"], app.Effects.Recorded.Where(r => r.InstanceId == runId).Select(r => r.NodeId));
        Assert.Contains("yes please", (await app.RunsAsync(id)).Single().Snapshot);
    }

    [Fact]
    public async Task ConversationIdle_FiresOnceWhenNeitherSideWroteForTheDuration()
    {
        using var admin = await app.CreateAdminClientAsync();
        var trigger = TestFlows.Node("start", "trigger.conversationIdle", new JsonObject { ["duration"] = "PT30M" });
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("idle"), trigger, TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "anyone there?");
        await app.WaitForEventsDispatchedAsync(contactId);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(20));
        await admin.AgentRepliesAsync(contactId, "Looking into it");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(15));
        Assert.Empty(await app.RunsOfContactAsync(contactId, id));

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(20));
        var run = await app.WaitForAsync(() => app.RunsOfContactAsync(contactId, id), r => r.Count == 1 && r[0].Status == FlowStatus.Finished, "the idle trigger");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(3));

        Assert.Single(await app.RunsOfContactAsync(contactId, id));
        Assert.Contains("lastCustomerMessageAt", run[0].Snapshot);
    }

    [Fact]
    public async Task WindowClosing_FiresTheLeadTimeBeforeTheServiceWindowCloses()
    {
        using var admin = await app.CreateAdminClientAsync();
        var trigger = TestFlows.Node("start", "trigger.windowClosing", new JsonObject { ["channel"] = "whatsapp", ["leadTime"] = "PT2H" });
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("closing"), trigger, TestFlows.Record()));
        var sentAt = app.Clock.GetUtcNow();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello", sentAt);
        await app.WaitForEventsDispatchedAsync(contactId);

        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(21.5));
        Assert.Empty(await app.RunsOfContactAsync(contactId, id));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1));

        var run = await app.WaitForAsync(() => app.RunsOfContactAsync(contactId, id), r => r.Count == 1, "the window-closing trigger");
        var closesAt = JsonDocument.Parse(run[0].Snapshot).RootElement.GetProperty("trigger").GetProperty("closesAt").GetDateTime();
        Assert.Equal(sentAt.UtcDateTime.AddHours(24), closesAt, TimeSpan.FromSeconds(1));
    }
}

/// <summary>A cron schedule starts the flow once per occurrence, by the app's clock.</summary>
public sealed class AutomationScheduleTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task ScheduleTrigger_StartsOncePerOccurrence()
    {
        using var admin = await app.CreateAdminClientAsync();
        var now = app.Clock.GetUtcNow();
        var nine = new DateTimeOffset(now.Date, TimeSpan.Zero).AddHours(9);
        var next = nine > now ? nine : nine.AddDays(1);
        var trigger = TestFlows.Node("start", "flow.scheduleTrigger", new JsonObject { ["cron"] = "0 9 * * *", ["timeZone"] = "UTC" });
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("daily"), trigger, TestFlows.Record()));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.Zero);

        await app.AdvanceAndLetTimersRunAsync(next - now - TimeSpan.FromMinutes(1));
        Assert.Empty(await app.RunsAsync(id));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromMinutes(2));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 1, "the first occurrence");
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(12));
        Assert.Single(await app.RunsAsync(id));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(12));

        var runs = await app.WaitForAsync(() => app.RunsAsync(id), r => r.Count == 2, "the second occurrence");
        Assert.All(runs, r => Assert.Null(r.SubjectId));
        Assert.Equal(
            [$"schedule:{id}:start:{next.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", $"schedule:{id}:start:{next.UtcDateTime.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}"],
            runs.Select(r => r.TriggerEventId));
    }
}
