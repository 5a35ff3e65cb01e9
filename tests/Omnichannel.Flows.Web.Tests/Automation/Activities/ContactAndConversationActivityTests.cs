using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>Tags, fields, notes and the conversation's status, changed by flow steps over the real database.</summary>
public sealed class ContactAndConversationActivityTests(ActivityAppFactory app) : IClassFixture<ActivityAppFactory>
{
    [Fact]
    public async Task AddTag_TagsTheContact_WithAnEventMarkedAsAutomations()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionAsync(contactId, "contact.addTag", new { tag = "Needs-Follow-Up" });

        Assert.Equal("added", step.Recorded("changed"));
        Assert.Equal(["needs-follow-up"], await app.TagsAsync(contactId));
        Assert.Equal([(AutomationEventTypes.TagAdded, "needs-follow-up", true)], await app.TagEventsAsync(contactId));
    }

    [Fact]
    public async Task AddTag_RunAgainAfterACrash_TagsOnce_AndRaisesOneEvent()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionThroughACrashAsync(contactId, "contact.addTag", new { tag = "vip" });

        Assert.Equal("already tagged", step.Recorded("changed"));
        Assert.Equal(["vip"], await app.TagsAsync(contactId));
        Assert.Single(await app.TagEventsAsync(contactId));
    }

    [Fact]
    public async Task RemoveTag_RemovesIt_AndLeavesAContactWithoutItAlone()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        await app.TagAsync(contactId, "trial");

        var (_, removed) = await app.RunActionAsync(contactId, "contact.removeTag", new { tag = "trial" });
        var (_, again) = await app.RunActionAsync(contactId, "contact.removeTag", new { tag = "trial" });

        Assert.Equal("removed", removed.Recorded("changed"));
        Assert.Equal("not tagged", again.Recorded("changed"));
        Assert.Empty(await app.TagsAsync(contactId));
        Assert.Equal([(AutomationEventTypes.TagAdded, "trial", false), (AutomationEventTypes.TagRemoved, "trial", true)], await app.TagEventsAsync(contactId));
    }

    [Fact]
    public async Task SetField_StoresTheRenderedValue_AndTheNextRunReadsIt()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I'd like the pro plan");

        var (_, set) = await app.RunActionAsync(contactId, "contact.setField", new { key = "plan", value = "pro ({{ message.channel }})" });
        var (_, same) = await app.RunActionAsync(contactId, "contact.setField", new { key = "plan", value = "{{ contact.fields.plan }}" });

        Assert.Equal("added", set.Recorded("changed"));
        Assert.Equal("already set", same.Recorded("changed"));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal("pro (whatsapp)", await db.ContactFields.Where(f => f.ContactId == contactId && f.Key == "plan").Select(f => f.Value).SingleAsync());
    }

    [Fact]
    public async Task Note_IsWrittenOnTheThread_ForAgentsOnly()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "my parcel is damaged");

        var (instance, _) = await app.RunActionAsync(contactId, "conversation.note", new { text = "Customer reports: {{ message.text }}" });

        var note = Assert.Single(await NotesAsync(contactId));
        Assert.Equal("Customer reports: my parcel is damaged", note.Text);
        Assert.Null(note.AuthorUserId);
        Assert.StartsWith("Automation: ", note.AuthorName, StringComparison.Ordinal);
        Assert.Equal($"{instance.Id}:{ActivitySteps.ActionNode}:1:1", note.IdempotencyKey);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }

    [Fact]
    public async Task Note_IsListedForAgents_AndFollowsAMerge()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I also wrote on Instagram");
        var other = await app.CustomerWritesOnInstagramAsync("it's me again");
        await app.RunActionAsync(other, "conversation.note", new { text = "Asked about {{ message.text }}" });
        using var agent = await app.CreateClientWithRoleAsync("Agent");

        (await agent.PostAsJsonAsync($"/api/contacts/{contactId}/merge", new { otherContactId = other })).EnsureSuccessStatusCode();
        var notes = await agent.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}/notes");
        var badLimit = await agent.GetAsync($"/api/contacts/{contactId}/notes?limit=0");

        var note = Assert.Single(notes.EnumerateArray());
        Assert.Equal("Asked about it's me again", note.GetProperty("text").GetString());
        Assert.StartsWith("Automation: ", note.GetProperty("authorName").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal("limit", (await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task Note_RunAgainAfterACrash_IsWrittenOnce()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");

        var (_, step) = await app.RunActionThroughACrashAsync(contactId, "conversation.note", new { text = "Written once." });

        Assert.Equal("already written", step.Recorded("note"));
        Assert.Single(await NotesAsync(contactId));
    }

    [Fact]
    public async Task Close_ResolvesTheConversation_AndReopen_OpensItAgain()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "thanks, all good");

        await app.RunActionAsync(contactId, "conversation.close", new { });
        var resolved = await app.ConversationAsync(contactId);
        var (_, closedAgain) = await app.RunActionAsync(contactId, "conversation.close", new { });
        await app.RunActionAsync(contactId, "conversation.reopen", new { });
        var reopened = await app.ConversationAsync(contactId);

        Assert.Equal(ConversationStatus.Resolved, resolved.Status);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, resolved.ResolvedAt);
        Assert.Equal("already resolved", closedAgain.Recorded("status"));
        Assert.Equal(ConversationStatus.Open, reopened.Status);
        Assert.Null(reopened.ResolvedAt);
    }

    [Fact]
    public async Task ActionOnAContactThatNoLongerExists_FaultsTheInstance()
    {
        var flow = app.Publish(ActivitySteps.OneAction("contact.addTag", new { tag = "ghost" }));

        var started = await app.StartAsync(flow, Guid.NewGuid());

        Assert.Equal(FlowStatus.Faulted, started.Instance!.Status);
        Assert.Contains("no longer exists", started.Instance.Fault!.Message, StringComparison.Ordinal);
    }

    private async Task<List<ConversationNote>> NotesAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ConversationNotes.AsNoTracking().Where(n => n.ContactId == contactId).ToListAsync();
    }
}
