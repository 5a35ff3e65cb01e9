using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>The changes flows start on are recorded as events, in the same transaction as the change.</summary>
public sealed class AutomationEventTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task FirstMessageOfANewCustomer_RaisesContactCreatedAndMessageReceived()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Hello, is this the shop?");
        await app.CustomerWritesOnWhatsAppAsync(phone, "anyone?");

        var events = await EventsAsync(contactId);

        Assert.Equal([AutomationEventTypes.ContactCreated, AutomationEventTypes.MessageReceived, AutomationEventTypes.MessageReceived],
            events.Select(e => e.Type));
        var first = JsonDocument.Parse(events[1].Payload!).RootElement;
        Assert.Equal("Hello, is this the shop?", first.GetProperty("text").GetString());
        Assert.Equal("whatsapp", first.GetProperty("channel").GetString());
        Assert.True(first.GetProperty("firstMessage").GetBoolean());
        Assert.False(JsonDocument.Parse(events[2].Payload!).RootElement.GetProperty("firstMessage").GetBoolean());
        Assert.All(events, e => Assert.False(e.CausedByAutomation));
        // Pending until the pump dispatches them (a customer message wakes it at once); never failed.
        Assert.All(events, e => Assert.NotEqual(AutomationEventState.Failed, e.State));
    }

    [Fact]
    public async Task Tags_RaiseEvents_MarkedWhenAFlowCausedThem()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        var admin = await app.CreateAdminClientAsync();

        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag = "VIP" });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var tags = scope.ServiceProvider.GetRequiredService<ContactTags>();
            await tags.AddAsync(contactId, "billing", CancellationToken.None, causedByAutomation: true);
            await tags.RemoveAsync(contactId, "vip", CancellationToken.None);
            Assert.False(await tags.RemoveAsync(contactId, "vip", CancellationToken.None));
        }

        var events = (await EventsAsync(contactId)).Where(e => e.Type.StartsWith("tag.", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            [(AutomationEventTypes.TagAdded, "vip", false), (AutomationEventTypes.TagAdded, "billing", true), (AutomationEventTypes.TagRemoved, "vip", false)],
            events.Select(e => (e.Type, JsonDocument.Parse(e.Payload!).RootElement.GetProperty("tag").GetString(), e.CausedByAutomation)));
    }

    private async Task<List<AutomationEvent>> EventsAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.AutomationEvents.Where(e => e.ContactId == contactId).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync();
    }
}
