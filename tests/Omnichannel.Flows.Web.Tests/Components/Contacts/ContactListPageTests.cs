using Bunit;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class ContactListPageTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Search_ByPhoneDigits_ListsOnlyTheMatchingProfile()
    {
        await SignInAsAdminAsync();
        var phone = TestData.NewGermanMobile();
        await App.CustomerTextsOnWhatsAppAsync(phone, "Ida Searched", App.Clock.GetUtcNow(), "hi");
        await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Jan Elsewhere", App.Clock.GetUtcNow(), "hi");
        var page = Render<ContactListPage>();
        page.WaitForAssertion(() => Assert.Contains("Jan Elsewhere", Names(page)), Eventually);

        await Field(page, "contacts-search").InputAsync(phone[^8..]);

        page.WaitForAssertion(() => Assert.Equal(["Ida Searched"], Names(page)), Eventually);
        var row = page.Find("[data-testid=contact-link]").Closest("tr")!;
        Assert.Contains(phone, row.TextContent);
        Assert.Contains("WhatsApp", row.QuerySelector("[data-testid=channel-chip]")!.TextContent);
    }

    [Fact]
    public async Task TagFilter_ListsOnlyTaggedProfiles_WithTheirTags()
    {
        await SignInAsAdminAsync();
        var tag = $"wholesale-{Guid.NewGuid():N}"[..20];
        var tagged = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Karl Tagged", App.Clock.GetUtcNow(), "hi");
        var alsoTagged = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Lena Tagged", App.Clock.GetUtcNow(), "hi");
        await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Mia Untagged", App.Clock.GetUtcNow(), "hi");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var tags = scope.ServiceProvider.GetRequiredService<ContactTags>();
            await tags.AddAsync(tagged, tag, CancellationToken.None);
            await tags.AddAsync(alsoTagged, tag, CancellationToken.None);
        }

        var page = Render<ContactListPage>();
        await Field(page, "contacts-tag").InputAsync(tag);

        page.WaitForAssertion(() => Assert.Equal(["Karl Tagged", "Lena Tagged"], Names(page).Order()), Eventually);
        Assert.All(page.FindAll("[data-testid=contact-link]"),
            link => Assert.Contains(tag, link.Closest("tr")!.QuerySelector("[data-testid=contact-tag]")!.TextContent));
    }

    private static List<string> Names(IRenderedComponent<ContactListPage> page) =>
        [.. page.FindAll("[data-testid=contact-link]").Select(a => a.TextContent.Trim())];
}
