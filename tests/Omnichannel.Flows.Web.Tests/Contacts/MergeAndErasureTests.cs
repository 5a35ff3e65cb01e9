using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Contacts;

public sealed class MergeAndErasureTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Merge_FoldsTheOtherProfileIn_AndRecordsWhoMovedWhat()
    {
        var admin = await app.CreateAdminClientAsync();
        var keep = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "first number", app.Clock.GetUtcNow().AddMinutes(-10));
        var otherPhone = TestData.NewGermanMobile();
        var other = await app.CustomerWritesOnWhatsAppAsync(otherPhone, "second number", app.Clock.GetUtcNow().AddMinutes(-5));
        await admin.PostAsJsonAsync($"/api/contacts/{other}/tags", new { tag = "billing" });
        await admin.PutAsJsonAsync($"/api/contacts/{other}/fields/plan", new { value = "gold" });

        var response = await admin.PostAsJsonAsync($"/api/contacts/{keep}/merge", new { otherContactId = other });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var merged = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{keep}");
        Assert.Equal(2, merged.GetProperty("phones").GetArrayLength());
        Assert.Equal(2, merged.GetProperty("identities").GetArrayLength());
        Assert.Equal("billing", merged.GetProperty("tags")[0].GetString());
        Assert.Equal("gold", merged.GetProperty("fields").GetProperty("plan").GetString());
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{keep}/messages");
        Assert.Equal(["second number", "first number"], thread.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        // The merged-away id still answers, with the surviving profile.
        var viaOldId = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{other}");
        Assert.Equal(keep, viaOldId.GetProperty("id").GetGuid());
        // And the customer writing again from the merged number lands in the kept profile.
        Assert.Equal(keep, await app.CustomerWritesOnWhatsAppAsync(otherPhone, "me again"));

        await using var db = await app.CreateDbContextAsync();
        var audit = await db.ContactMerges.SingleAsync(m => m.SourceContactId == other);
        Assert.Equal(keep, audit.TargetContactId);
        Assert.Equal(FlowsAppFactory.AdminEmail, audit.MergedByName);
        Assert.Contains(otherPhone, audit.Moved);
    }

    [Fact]
    public async Task Merge_WithItselfOrAMissingProfile_IsRefusedWithWhere()
    {
        var admin = await app.CreateAdminClientAsync();
        var contact = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "solo");

        var self = await admin.PostAsJsonAsync($"/api/contacts/{contact}/merge", new { otherContactId = contact });
        var missing = await admin.PostAsJsonAsync($"/api/contacts/{contact}/merge", new { otherContactId = Guid.NewGuid() });
        var noBody = await admin.PostAsJsonAsync($"/api/contacts/{contact}/merge", new { });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Equal("/otherContactId", (await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
    }

    [Fact]
    public async Task PhoneMentionedInAMessage_RaisesASuggestion_ThatCanBeAccepted()
    {
        var admin = await app.CreateAdminClientAsync();
        var oldPhone = TestData.NewGermanMobile();
        var older = await app.CustomerWritesOnWhatsAppAsync(oldPhone, "hi from my old phone");
        var newer = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), $"new phone, my old number was {oldPhone}");

        var suggestions = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{newer}/merge-suggestions");
        var suggestion = Assert.Single(suggestions.GetProperty("items").EnumerateArray());
        Assert.Equal(older, suggestion.GetProperty("otherContactId").GetGuid());
        Assert.Equal("mentionedInMessage", suggestion.GetProperty("reason").GetString());

        var accepted = await admin.PostAsync($"/api/contacts/{newer}/merge-suggestions/{suggestion.GetProperty("id").GetGuid()}/accept", null);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{newer}/messages");
        Assert.Equal(2, thread.GetProperty("items").GetArrayLength());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{newer}/merge-suggestions")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task DismissedSuggestion_IsGone()
    {
        var admin = await app.CreateAdminClientAsync();
        var email = TestData.NewEmail();
        var phone = TestData.NewGermanMobile();
        var first = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var second = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), $"call {phone}");
        var id = (await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{second}/merge-suggestions")).GetProperty("items")[0].GetProperty("id").GetGuid();

        var dismissed = await admin.PostAsync($"/api/contacts/{first}/merge-suggestions/{id}/dismiss", null);

        Assert.Equal(HttpStatusCode.NoContent, dismissed.StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{second}/merge-suggestions")).GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(email, await (await admin.GetAsync($"/api/contacts/{first}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Erase_RemovesPersonalData_AndKeepsOnlyAnonymousCounts()
    {
        var admin = await app.CreateAdminClientAsync();
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "please forget me");
        await admin.AgentRepliesAsync(contactId, "done");
        await using (var before = await app.CreateDbContextAsync())
        {
            Assert.True(await before.InboundEvents.AnyAsync(e => before.Messages.Any(m => m.ContactId == contactId && m.InboundEventId == e.Id)));
        }

        var erased = await admin.DeleteAsync($"/api/contacts/{contactId}");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/contacts/{contactId}")).StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.ContactPhones.AnyAsync(p => p.Number == phone));
        Assert.False(await db.ChannelIdentities.AnyAsync(i => i.ExternalId == phone.TrimStart('+')));
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId));
        var rawPayloads = await db.InboundEventBodies.Select(b => b.Payload).ToListAsync();
        Assert.DoesNotContain(rawPayloads, p => System.Text.Encoding.UTF8.GetString(p).Contains(phone.TrimStart('+'), StringComparison.Ordinal));
        Assert.Contains(await db.ContactErasures.ToListAsync(), e => e.MessageCount == 2 && e.MessagesByChannel.Contains("\"whatsapp\":2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Erase_ReachesProfilesMergedInThroughOthers()
    {
        var admin = await app.CreateAdminClientAsync();
        var phones = new[] { TestData.NewGermanMobile(), TestData.NewGermanMobile(), TestData.NewGermanMobile() };
        var first = await app.CustomerWritesOnWhatsAppAsync(phones[0], "first profile");
        var second = await app.CustomerWritesOnWhatsAppAsync(phones[1], "second profile");
        var third = await app.CustomerWritesOnWhatsAppAsync(phones[2], "third profile");
        // The first is merged into the second, then the second into the third: the first is two merges away.
        (await admin.PostAsJsonAsync($"/api/contacts/{second}/merge", new { otherContactId = first })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/contacts/{third}/merge", new { otherContactId = second })).EnsureSuccessStatusCode();

        var erased = await admin.DeleteAsync($"/api/contacts/{third}");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.Empty(await db.Contacts.Where(c => c.Id == first || c.Id == second || c.Id == third).Select(c => c.Id).ToListAsync());
        Assert.False(await db.ContactPhones.AnyAsync(p => phones.Contains(p.Number)));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/contacts/{first}")).StatusCode);
    }

    [Fact]
    public async Task Erase_IsForAdminsOnly()
    {
        var admin = await app.CreateAdminClientAsync();
        var agentEmail = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email = agentEmail, password = "Agent-Pa55word!", roles = new[] { "Agent" } })).EnsureSuccessStatusCode();
        var agent = await app.CreateClientForAsync(agentEmail, "Agent-Pa55word!");
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var response = await agent.DeleteAsync($"/api/contacts/{contactId}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
