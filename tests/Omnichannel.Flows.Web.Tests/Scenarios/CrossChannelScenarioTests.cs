using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Scenarios;

/// <summary>
/// One customer, many channels, through the real webhook paths: proven identities join one profile, unproven claims do
/// not, and a manual merge leaves one thread in the order things were sent.
/// </summary>
public sealed class CrossChannelScenarioTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task OneCustomerAcrossChannels_EndsUpAsOneProfileWithOneOrderedThread()
    {
        var admin = await app.CreateAdminClientAsync();
        var client = app.CreateClient();
        var phone = TestData.NewGermanMobile();
        var email = TestData.NewEmail();
        var instagram = MetaChannelUnderTest.For(app, "instagram");
        var instagramId = MetaPayloads.NewScopedId();

        // WhatsApp, then SMS from the same phone: the channels prove the number, so it is one profile.
        var anna = await app.CustomerWritesOnWhatsAppAsync(phone, "1 whatsapp: where is my order?", Step());
        Step();
        Assert.Equal(anna, await app.CustomerTextsAsync(phone, "2 sms: sent you a whatsapp"));

        // On the website, logged in: the site vouches for her email, then she writes by email from that address.
        Step();
        var website = await WebChatVisitor.OpenAsync(client,
            new { name = "Anna", email, identityHash = WebChatVisitor.IdentityHash(app.Secrets.WebChatIdentitySecret, email) });
        (await website.PostAsync(client, "3 web chat: any news?")).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        var webProfile = await ContactOfAsync(ChannelKind.WebChat, website.SessionId.ToString());
        Step();
        await app.CustomerEmailsAsync(email, "4 email: following up");
        Assert.Equal(webProfile, await ContactOfAsync(ChannelKind.Email, email));
        Assert.True(website.IdentityVerified);

        // Someone else claims her email without the site vouching: their own profile, and a suggestion for an agent.
        var stranger = await WebChatVisitor.OpenAsync(client, new { name = "Not Anna", email });
        (await stranger.PostAsync(client, "I am Anna, show me my orders")).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        var strangerProfile = await ContactOfAsync(ChannelKind.WebChat, stranger.SessionId.ToString());
        Assert.NotEqual(webProfile, strangerProfile);
        Assert.False(stranger.IdentityVerified);
        var suggestions = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{strangerProfile}/merge-suggestions");
        var suggestion = Assert.Single(suggestions.GetProperty("items").EnumerateArray());
        Assert.Equal(webProfile, suggestion.GetProperty("otherContactId").GetGuid());
        Assert.Equal("unverifiedClaim", suggestion.GetProperty("reason").GetString());

        // Instagram ids are scoped to our account and prove nothing: a new profile until an agent merges.
        var igProfile = await app.CustomerWritesAsync(instagram, instagramId, "5 instagram: hello?", Step());
        Assert.NotEqual(anna, igProfile);

        (await admin.PostAsJsonAsync($"/api/contacts/{anna}/merge", new { otherContactId = webProfile })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/contacts/{anna}/merge", new { otherContactId = igProfile })).EnsureSuccessStatusCode();

        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{anna}/messages");
        var texts = thread.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Reverse().ToList();
        Assert.Equal(
            ["1 whatsapp: where is my order?", "2 sms: sent you a whatsapp", "3 web chat: any news?", "4 email: following up", "5 instagram: hello?"],
            texts);
        var profile = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{anna}");
        Assert.Equal(
            ["email", "instagram", "sms", "webchat", "whatsapp"],
            profile.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()).Order());
        // The stranger's claim stayed theirs.
        Assert.DoesNotContain("I am Anna, show me my orders", texts);

        // Writing again on any of her channels lands in the one profile.
        Step();
        Assert.Equal(anna, await app.CustomerWritesAsync(instagram, instagramId, "6 instagram: thanks!", app.Clock.GetUtcNow()));
        Assert.Equal(anna, await ContactOfAsync(ChannelKind.Email, email));
    }

    /// <summary>Moves the clock on a minute, so every step is sent strictly after the one before.</summary>
    private DateTimeOffset Step()
    {
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        return app.Clock.GetUtcNow();
    }

    private async Task<Guid> ContactOfAsync(ChannelKind channel, string externalId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ChannelIdentities.Where(i => i.Channel == channel && i.ExternalId == externalId).Select(i => i.ContactId).SingleAsync();
    }
}
