using Bunit;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class ReplyBoxTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Reply_OnTheChannelTheCustomerLastWroteOn_IsSentAndShownWithItsStatus()
    {
        var adminId = await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Dora Reply", App.Clock.GetUtcNow().AddMinutes(-2), "Is it in stock?");
        App.Provider.AcceptWhatsAppSends();
        var page = RenderProfile(contactId).Page;
        page.WaitForAssertion(() => Assert.Equal("WhatsApp", Field(page, "reply-channel").GetAttribute("value")), Eventually);

        await Field(page, "reply-text").InputAsync("Yes, two left.");
        await page.Find("[data-testid=reply-send]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.Equal(["Is it in stock?", "Yes, two left."], ThreadTexts(page));
            Assert.Equal("sent", Bubble(page, "Yes, two left.").QuerySelector("[data-testid=message-status]")!.TextContent.Trim());
        }, Eventually);
        Assert.Empty(page.FindAll("[data-testid=reply-refusal]"));
        Assert.Equal("", Field(page, "reply-text").GetAttribute("value") ?? "");
        await using var db = await App.CreateDbContextAsync();
        var stored = await db.Messages.SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound);
        Assert.Equal(MessageOrigin.Agent, stored.Origin);
        Assert.Equal(adminId, stored.AuthorUserId);
        Assert.Equal(FlowsAppFactory.AdminEmail, stored.AuthorName);
    }

    [Fact]
    public async Task Reply_OnAChannelThatWasSwitchedOff_ShowsTheRefusalAndSendsNothing()
    {
        await SignInAsAdminAsync();
        var contactId = await App.EmailCustomerAsync("Emil Mail", TestData.NewEmail(), App.Clock.GetUtcNow().UtcDateTime.AddHours(-1));
        var page = RenderProfile(contactId).Page;
        page.WaitForAssertion(() => Assert.Equal("Email (disabled)", Field(page, "reply-channel").GetAttribute("value")), Eventually);

        await Field(page, "reply-text").InputAsync("We received your mail.");
        await page.Find("[data-testid=reply-send]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("The email channel is disabled.", page.Find("[data-testid=reply-refusal]").TextContent.Trim()), Eventually);
        Assert.Empty(ThreadTexts(page));
        await using var db = await App.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId));
    }
}
