using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Endpoint = Omnichannel.Flows.Engine.Definitions.Endpoint;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>Steps the activity tests share: one-action flows, customers on channels, profile data.</summary>
public static class ActivitySteps
{
    public const string ActionNode = "act";

    /// <summary>A flow that runs one action when started by hand: start → act.</summary>
    public static FlowDefinition OneAction(string type, object inputs) => new(
        $"test-{Guid.NewGuid():N}", "One action", null, 1, FlowConcurrency.Parallel, false,
        [Node("start", "flow.manualTrigger", new { }, 0), Node(ActionNode, type, inputs, 300)],
        [new FlowConnection(new Endpoint("start", "done"), new Endpoint(ActionNode, Endpoint.InputPort))]);

    public static FlowNode Node(string id, string type, object inputs, double x) => new(
        id, type, JsonSerializer.SerializeToElement(inputs).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal),
        new NodePosition(x, 0));

    /// <summary>Publishes and runs a one-action flow for the contact.</summary>
    /// <returns>The instance and the action's journal entry (its port, and what it recorded).</returns>
    public static async Task<(FlowInstance Instance, JournalEntry Step)> RunActionAsync(
        this ActivityAppFactory app, Guid contactId, string type, object inputs, JsonElement? payload = null)
    {
        var flow = app.Publish(OneAction(type, inputs));
        var started = await app.StartAsync(flow, contactId, payload);
        var instance = started.Instance ?? throw new InvalidOperationException($"Not started: {started.Outcome}.");
        return (instance, Assert.Single(app.StepsOf(instance.Id, ActionNode)));
    }

    /// <summary>
    /// The payload of the contact's <c>message.received</c> event for the message with <paramref name="text"/> (or its
    /// only one): what hosting hands a message trigger. Picked by text, as events written in the same millisecond have
    /// no reliable order.
    /// </summary>
    public static async Task<JsonElement> MessageReceivedPayloadAsync(this FlowsAppFactory app, Guid contactId, string? text = null)
    {
        await using var db = await app.CreateDbContextAsync();
        var payloads = await db.AutomationEvents.Where(e => e.ContactId == contactId && e.Type == AutomationEventTypes.MessageReceived)
            .Select(e => e.Payload).ToListAsync();
        var parsed = payloads.Select(p => JsonDocument.Parse(p!).RootElement.Clone()).ToList();
        return text is null ? Assert.Single(parsed) : Assert.Single(parsed, p => p.GetProperty("text").GetString() == text);
    }

    /// <returns>The contact id.</returns>
    public static Task<Guid> CustomerWritesOnInstagramAsync(this FlowsAppFactory app, string text, DateTimeOffset? sentAt = null) =>
        app.CustomerWritesAsync(MetaChannelUnderTest.For(app, "instagram"), MetaPayloads.NewScopedId(), text, sentAt);

    public static async Task AddVerifiedPhoneAsync(this FlowsAppFactory app, Guid contactId, string phone)
    {
        await using var db = await app.CreateDbContextAsync();
        db.ContactPhones.Add(new ContactPhone
        {
            ContactId = contactId, Number = phone, MatchKey = PhoneNumberNormalizer.MatchKey(phone), Verified = true, AddedAt = app.Clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
    }

    public static async Task SetFirstNameAsync(this FlowsAppFactory app, Guid contactId, string firstName)
    {
        await using var db = await app.CreateDbContextAsync();
        await db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(s => s.SetProperty(c => c.FirstName, firstName));
    }

    public static string Recorded(this JournalEntry step, string name) =>
        step.Inputs.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The step recorded no '{name}' ({string.Join(", ", step.Inputs.Keys)}).");

    /// <summary>Runs a one-action flow whose action step is lost once after it acted (a crash), then carries on, as hosting would.</summary>
    /// <returns>The instance id and the action's single journaled step.</returns>
    public static async Task<(string InstanceId, JournalEntry Step)> RunActionThroughACrashAsync(
        this ActivityAppFactory app, Guid contactId, string type, object inputs)
    {
        var flow = app.Publish(OneAction(type, inputs));
        app.CrashAfterStepOf = ActionNode;
        await Assert.ThrowsAsync<IOException>(() => app.StartAsync(flow, contactId));
        var crashed = app.Store.Instances().Single(i => i.FlowId == flow.Id);
        Assert.Equal(ActionNode, crashed.Pending[0].NodeId);
        var continued = await app.ContinueAsync(crashed.Id, contactId);
        Assert.Equal(FlowStatus.Finished, continued!.Status);
        return (crashed.Id, Assert.Single(app.StepsOf(crashed.Id, ActionNode)));
    }

    /// <returns>The new agent's user id.</returns>
    public static async Task<string> AgentAsync(this FlowsAppFactory app, string displayName)
    {
        using var admin = await app.CreateAdminClientAsync();
        var response = await admin.PostAsJsonAsync("/api/users", new { email = TestData.NewEmail(), displayName, password = "Agent-Pa55word!" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The team named <paramref name="name"/>, created with <paramref name="members"/> new agents unless it exists.</summary>
    /// <returns>The team's id and its members' user ids.</returns>
    public static async Task<(Guid Id, IReadOnlyList<string> Members)> TeamAsync(this FlowsAppFactory app, string name, int members)
    {
        await using (var db = await app.CreateDbContextAsync())
        {
            if (await db.Teams.Where(t => t.Name == name).Select(t => new { t.Id, Members = t.Members.Select(m => m.UserId).ToList() }).FirstOrDefaultAsync() is { } existing)
            {
                return (existing.Id, existing.Members);
            }
        }

        var memberIds = new List<string>();
        for (var i = 1; i <= members; i++)
        {
            memberIds.Add(await app.AgentAsync($"{name} agent {i}"));
        }

        using var admin = await app.CreateAdminClientAsync();
        var response = await admin.PostAsJsonAsync("/api/teams", new { name, memberUserIds = memberIds });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), memberIds);
    }

    public static async Task TagAsync(this FlowsAppFactory app, Guid contactId, string tag)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ContactTags>().AddAsync(contactId, tag, CancellationToken.None);
    }

    public static async Task<Conversation> ConversationAsync(this FlowsAppFactory app, Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Conversations.AsNoTracking().SingleAsync(c => c.ContactId == contactId);
    }

    public static async Task<List<string>> TagsAsync(this FlowsAppFactory app, Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactTags.Where(t => t.ContactId == contactId).Select(t => t.Tag).OrderBy(t => t).ToListAsync();
    }

    /// <summary>The <c>tag.*</c> events of the contact: type, tag and whether automation caused it.</summary>
    public static async Task<List<(string Type, string? Tag, bool ByAutomation)>> TagEventsAsync(this FlowsAppFactory app, Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        var events = await db.AutomationEvents.Where(e => e.ContactId == contactId && e.Type.StartsWith("tag.")).OrderBy(e => e.Id).ToListAsync();
        return [.. events.Select(e => (e.Type, JsonDocument.Parse(e.Payload!).RootElement.GetProperty("tag").GetString(), e.CausedByAutomation))];
    }
}
