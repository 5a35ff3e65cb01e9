using Bunit;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class TagEditorTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Tags_AddedAndRemoved_AreStoredAndShownAsChips()
    {
        await SignInAsAdminAsync();
        var (contactId, page) = await OpenNewCustomerAsync("Ella Tags");

        await Field(page, "tag-input").InputAsync("  VIP ");
        await page.Find("[data-testid=tag-add]").ClickAsync(new());
        await Field(page, "tag-input").InputAsync("returns");
        await page.Find("[data-testid=tag-add]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["returns", "vip"], Chips(page)), Eventually);
        Assert.Equal(["returns", "vip"], await StoredTagsAsync(contactId));

        var vip = page.FindAll("[data-testid=tag]").Single(c => c.TextContent.Contains("vip", StringComparison.Ordinal));
        await vip.QuerySelector(".mud-chip-close-button")!.ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["returns"], Chips(page)), Eventually);
        Assert.Equal(["returns"], await StoredTagsAsync(contactId));
    }

    [Fact]
    public async Task Tag_Blank_IsRefusedAndNothingStored()
    {
        await SignInAsAdminAsync();
        var (contactId, page) = await OpenNewCustomerAsync("Fritz Tags");

        await Field(page, "tag-input").InputAsync("   ");
        await page.Find("[data-testid=tag-add]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("A tag must not be empty.", page.Find("[data-testid=tag-editor]").TextContent), Eventually);
        Assert.Empty(await StoredTagsAsync(contactId));
    }

    private static List<string> Chips(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> page) =>
        [.. page.FindAll("[data-testid=tag]").Select(c => c.TextContent.Trim())];

    private async Task<List<string>> StoredTagsAsync(Guid contactId)
    {
        await using var db = await App.CreateDbContextAsync();
        return await db.ContactTags.Where(t => t.ContactId == contactId).OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync();
    }
}
