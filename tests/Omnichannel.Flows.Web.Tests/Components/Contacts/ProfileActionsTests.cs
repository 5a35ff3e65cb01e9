using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class ProfileActionsTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task ConversationToggle_ResolvesThenReopens()
    {
        await SignInAsAdminAsync();
        var (contactId, page) = await OpenNewCustomerAsync("Nora Resolve");
        page.WaitForAssertion(() => Assert.Equal("Open", page.Find("[data-testid=conversation-status]").TextContent.Trim()), Eventually);

        await page.Find("[data-testid=conversation-toggle]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Resolved", page.Find("[data-testid=conversation-status]").TextContent.Trim()), Eventually);
        Assert.Equal(ConversationStatus.Resolved, await StatusAsync(contactId));

        await page.Find("[data-testid=conversation-toggle]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Open", page.Find("[data-testid=conversation-status]").TextContent.Trim()), Eventually);
        Assert.Equal(ConversationStatus.Open, await StatusAsync(contactId));
    }

    [Fact]
    public async Task Erase_AsAdminAfterConfirming_DeletesTheProfileAndReturnsToTheList()
    {
        await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Otto Erase", App.Clock.GetUtcNow(), "please delete my data");
        var view = RenderProfile(contactId);

        var erasing = view.Page.Find("[data-testid=erase]").ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Contains("Erase Otto Erase?", view.Dialogs.Markup), Eventually);
        await view.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Erase").ClickAsync(new());
        await erasing.WaitAsync(Eventually);

        Assert.EndsWith("/contacts", Services.GetRequiredService<BunitNavigationManager>().Uri, StringComparison.Ordinal);
        await using var db = await App.CreateDbContextAsync();
        Assert.False(await db.Contacts.AnyAsync(c => c.Id == contactId));
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId));
    }

    [Fact]
    public async Task Erase_ForAnAgent_IsNotOffered()
    {
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Paul Agentview", App.Clock.GetUtcNow(), "hi");
        Authorization.SetAuthorized("agent@test.local");
        Authorization.SetRoles(Roles.Agent);

        var page = RenderProfile(contactId).Page;

        Assert.NotEmpty(page.FindAll("[data-testid=merge-another]"));
        Assert.Empty(page.FindAll("[data-testid=erase]"));
    }

    private async Task<ConversationStatus> StatusAsync(Guid contactId)
    {
        await using var db = await App.CreateDbContextAsync();
        return await db.Conversations.Where(c => c.ContactId == contactId).Select(c => c.Status).SingleAsync();
    }
}
