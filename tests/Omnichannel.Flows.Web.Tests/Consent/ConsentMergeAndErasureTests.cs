using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

public sealed class ConsentMergeAndErasureTests(ConsentAppFactory app) : IClassFixture<ConsentAppFactory>
{
    [Fact]
    public async Task Merge_OfAProfileThatTextedStop_KeepsTheSmsOptOut()
    {
        var admin = await app.CreateAdminClientAsync();
        var keep = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi on WhatsApp");
        var other = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "STOP");
        await app.WaitForSystemAnswerAsync(other);

        var response = await admin.PostAsJsonAsync($"/api/contacts/{keep}/merge", new { otherContactId = other });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([SendPurpose.System], await app.AllowedPurposesAsync(keep, ChannelKind.Sms));
        Assert.Equal(ConsentSource.Keyword, Assert.Single(await app.HistoryAsync(keep)).Source);
        Assert.Empty(await app.HistoryAsync(other));
    }

    [Fact]
    public async Task Erase_DeletesTheConsentHistoryAndState()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "STOP");
        await app.WaitForSystemAnswerAsync(contactId);
        await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent", new { channel = "whatsapp", scope = "marketing", optedIn = false });

        var response = await admin.DeleteAsync($"/api/contacts/{contactId}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.ConsentChanges.AnyAsync(c => c.ContactId == contactId));
        Assert.False(await db.ContactConsents.AnyAsync(c => c.ContactId == contactId));
    }
}
