using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>The facts <see cref="IFlowFactsFactory"/> gives a flow about a contact, read from the real database.</summary>
public sealed class ContactFactsTests(ActivityAppFactory app) : IClassFixture<ActivityAppFactory>
{
    [Fact]
    public async Task Contact_Conversation_Window_AndLatestMessage_AreFacts()
    {
        var phone = TestData.NewGermanMobile();
        var email = TestData.NewEmail();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "first");
        await app.CustomerWritesOnInstagramAsync("unrelated profile");
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        await app.CustomerWritesOnWhatsAppAsync(phone, "Do you have it in blue?");
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.DisplayName, "Marta R.").SetProperty(c => c.FirstName, "Marta").SetProperty(c => c.LastName, "Ruiz")
                .SetProperty(c => c.Locale, "es-ES").SetProperty(c => c.TimeZone, "Europe/Madrid"));
            db.ContactEmails.Add(new ContactEmail { ContactId = contactId, Address = "unverified@example.com", Verified = false, AddedAt = app.Clock.GetUtcNow().UtcDateTime });
            db.ContactEmails.Add(new ContactEmail { ContactId = contactId, Address = email, Verified = true, AddedAt = app.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }

        await app.TagAsync(contactId, "vip");
        await app.TagAsync(contactId, "billing");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ContactProfiles>().SetFieldAsync(contactId, "plan", "pro", CancellationToken.None);
        }

        var (teamId, _) = await app.TeamAsync("Facts team", members: 1);
        await app.RunActionAsync(contactId, "conversation.assign", new { team = teamId.ToString() });

        var facts = await FactsAsync(contactId);

        Assert.Equal(contactId.ToString(), Text(facts, "contact.id"));
        Assert.Equal("Marta R.", Text(facts, "contact.display_name"));
        Assert.Equal("Marta", Text(facts, "contact.first_name"));
        Assert.Equal("Ruiz", Text(facts, "contact.last_name"));
        Assert.Equal(phone, Text(facts, "contact.phone"));
        Assert.Equal(email, Text(facts, "contact.email"));
        Assert.Equal(["billing", "vip"], Fact(facts, "contact.tags").List);
        Assert.Equal("pro", Text(facts, "contact.fields.plan"));
        Assert.Equal("es-ES", Text(facts, "contact.locale"));
        Assert.Equal("Europe/Madrid", Text(facts, "contact.time_zone"));
        Assert.Equal("open", Text(facts, "conversation.status"));
        Assert.True(Fact(facts, "conversation.assigned").Boolean);
        Assert.Equal("Facts team", Text(facts, "conversation.assignee_team"));
        Assert.Equal("whatsapp", Text(facts, "conversation.last_customer_channel"));
        Assert.True(Fact(facts, "conversation.awaiting_reply").Boolean);
        Assert.True(Fact(facts, "window.whatsapp.open").Boolean);
        Assert.Equal(app.Clock.GetUtcNow().AddHours(24), Fact(facts, "window.whatsapp.closes_at").Time, TimeSpan.FromSeconds(1)); // webhooks carry whole seconds
        Assert.False(Fact(facts, "window.instagram.open").Boolean);
        Assert.Equal("Do you have it in blue?", Text(facts, "message.text"));
        Assert.Equal("whatsapp", Text(facts, "message.channel"));
    }

    [Fact]
    public async Task AfterTwentyFourHours_TheWhatsAppWindowIsClosed_AndAnUnassignedConversationSaysSo()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello", app.Clock.GetUtcNow().AddHours(-25));

        var facts = await FactsAsync(contactId);

        Assert.False(Fact(facts, "window.whatsapp.open").Boolean);
        Assert.False(Fact(facts, "conversation.assigned").Boolean);
        Assert.False(facts.TryGetValue("conversation.assignee_team", out _));
        Assert.False(facts.TryGetValue("contact.email", out _));
    }

    [Fact]
    public async Task AReplySent_MeansTheCustomerIsNoLongerAwaitingOne()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");
        await app.RunActionAsync(contactId, "message.send", new { text = "Hello! How can we help?" });

        Assert.False(Fact(await FactsAsync(contactId), "conversation.awaiting_reply").Boolean);
    }

    [Fact]
    public async Task AMergedAwayContact_ReadsTheSurvivingProfile()
    {
        var survivor = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "I am the survivor");
        var merged = await app.CustomerWritesOnInstagramAsync("I was merged");
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.Contacts.Where(c => c.Id == merged).ExecuteUpdateAsync(s => s.SetProperty(c => c.MergedIntoId, survivor));
        }

        var facts = await FactsAsync(merged);

        Assert.Equal(survivor.ToString(), Text(facts, "contact.id"));
    }

    [Fact]
    public async Task NoContact_OrAnUnknownOne_HasNoFacts()
    {
        Assert.False((await FactsAsync(null)).TryGetValue("contact.id", out _));
        Assert.False((await FactsAsync(Guid.NewGuid())).TryGetValue("contact.id", out _));
    }

    private Task<IFlowFacts> FactsAsync(Guid? contactId) =>
        app.Services.GetRequiredService<IFlowFactsFactory>().CreateAsync(contactId, CancellationToken.None);

    private static FactValue Fact(IFlowFacts facts, string path) =>
        facts.TryGetValue(path, out var value) ? value : throw new KeyNotFoundException($"No fact '{path}'.");

    private static string Text(IFlowFacts facts, string path) => Fact(facts, path).Text;
}
