using Bunit;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class MergeTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task AcceptingASuggestion_MergesTheOtherProfile_AndTheThreadShowsBothProfilesMessages()
    {
        var (keptId, otherId, firstPhone) = await SecondNumberNamingTheFirstAsync("Greta", "Hi, order 77 please", phone => $"New phone. My old number is {phone}");
        var view = RenderProfile(keptId);
        var page = view.Page;
        page.WaitForAssertion(() => Assert.Contains("Greta (second number)", page.Find("[data-testid=merge-suggestion]").TextContent), Eventually);
        Assert.Contains($"a message mentioned {firstPhone}", page.Find("[data-testid=merge-suggestion]").TextContent);
        Assert.Equal(["Hi, order 77 please"], ThreadTexts(page));

        // Accepting waits for the confirmation dialog, so its click completes only after the confirm below.
        var accepting = page.Find("[data-testid=merge-accept]").ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Equal("1", view.Dialogs.Find("[data-testid=merge-preview-messages]").TextContent.Trim()), Eventually);
        await view.Dialogs.Find("[data-testid=merge-confirm]").ClickAsync(new());
        await accepting.WaitAsync(Eventually);

        page.WaitForAssertion(() => Assert.Equal(["Hi, order 77 please", $"New phone. My old number is {firstPhone}"], ThreadTexts(page)), Eventually);
        Assert.Empty(page.FindAll("[data-testid=merge-suggestion]"));
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(keptId, (await db.Contacts.SingleAsync(c => c.Id == otherId)).MergedIntoId);
        Assert.Equal(MergeSuggestionStatus.Accepted, (await db.MergeSuggestions.SingleAsync(s => s.ContactId == otherId)).Status);
    }

    [Fact]
    public async Task DismissingASuggestion_HidesItAndMergesNothing()
    {
        var (keptId, otherId, _) = await SecondNumberNamingTheFirstAsync("Hans", "hello", phone => $"Call my colleague on {phone}");
        var page = RenderProfile(keptId).Page;
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=merge-suggestion]")), Eventually);

        await page.Find("[data-testid=merge-dismiss]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=merge-suggestion]")), Eventually);
        await using var db = await App.CreateDbContextAsync();
        Assert.Null((await db.Contacts.SingleAsync(c => c.Id == otherId)).MergedIntoId);
        Assert.Equal(MergeSuggestionStatus.Dismissed, (await db.MergeSuggestions.SingleAsync(s => s.ContactId == otherId)).Status);
    }

    [Fact]
    public async Task MergingAnotherProfileFoundBySearch_ShowsWhatMovesThenMovesIt()
    {
        await SignInAsAdminAsync();
        var now = App.Clock.GetUtcNow();
        var otherPhone = TestData.NewGermanMobile();
        var keptId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Ingrid Kept", now.AddMinutes(-20), "first profile");
        var otherId = await App.CustomerTextsOnWhatsAppAsync(otherPhone, "Ingrid Duplicate", now.AddMinutes(-10), "second profile");
        var view = RenderProfile(keptId);

        var merging = view.Page.Find("[data-testid=merge-another]").ClickAsync(new());
        await Field(view.Dialogs, "merge-search").InputAsync(otherPhone[^8..]);
        view.Popovers.WaitForAssertion(() => Assert.Contains("Ingrid Duplicate", view.Popovers.Find(".mud-list-item").TextContent), Eventually);
        await view.Popovers.Find(".mud-list-item").ClickAsync(new());
        view.Dialogs.WaitForAssertion(() =>
        {
            var preview = view.Dialogs.Find("[data-testid=merge-preview]").TextContent;
            Assert.Contains("Everything of Ingrid Duplicate moves into Ingrid Kept", preview);
            Assert.Contains(otherPhone, preview);
        }, Eventually);
        await view.Dialogs.Find("[data-testid=merge-confirm]").ClickAsync(new());
        await merging.WaitAsync(Eventually);

        view.Page.WaitForAssertion(() => Assert.Equal(["first profile", "second profile"], ThreadTexts(view.Page)), Eventually);
        Assert.Contains(otherPhone, view.Page.Find("[data-testid=contact-card]").TextContent);
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(keptId, (await db.Contacts.SingleAsync(c => c.Id == otherId)).MergedIntoId);
    }

    /// <summary>
    /// A customer writes from one number, then from a second number naming the first: the platform suggests both
    /// profiles are one person.
    /// </summary>
    private async Task<(Guid KeptId, Guid OtherId, string FirstPhone)> SecondNumberNamingTheFirstAsync(
        string name, string firstText, Func<string, string> secondText)
    {
        await SignInAsAdminAsync();
        var now = App.Clock.GetUtcNow();
        var firstPhone = TestData.NewGermanMobile();
        var keptId = await App.CustomerTextsOnWhatsAppAsync(firstPhone, name, now.AddMinutes(-30), firstText);
        var otherId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), $"{name} (second number)", now.AddMinutes(-10), secondText(firstPhone));
        return (keptId, otherId, firstPhone);
    }
}
