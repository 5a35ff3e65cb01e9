using Bunit;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class MergeTests(FlowsAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task AcceptingASuggestion_MergesTheOtherProfile_AndTheThreadShowsBothProfilesMessages()
    {
        await SignInAsAdminAsync();
        var now = App.Clock.GetUtcNow();
        var firstPhone = TestData.NewGermanMobile();
        var keptId = await App.CustomerTextsOnWhatsAppAsync(firstPhone, "Greta Kept", now.AddMinutes(-30), "Hi, order 77 please");
        // Writing from a second number and naming the first one raises a suggestion that both are one person.
        var otherId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Greta Second Phone", now.AddMinutes(-10),
            $"New phone. My old number is {firstPhone}");
        var (page, dialogs) = RenderProfile(keptId);
        page.WaitForAssertion(() => Assert.Contains("Greta Second Phone", page.Find("[data-testid=merge-suggestion]").TextContent), Eventually);
        Assert.Contains($"a message mentioned {firstPhone}", page.Find("[data-testid=merge-suggestion]").TextContent);
        Assert.Equal(["Hi, order 77 please"], ThreadTexts(page));

        // Accepting waits for the confirmation dialog, so its click completes only after the confirm below.
        var accepting = page.Find("[data-testid=merge-accept]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Equal("1", dialogs.Find("[data-testid=merge-preview-messages]").TextContent.Trim()), Eventually);
        await dialogs.Find("[data-testid=merge-confirm]").ClickAsync(new());
        await accepting.WaitAsync(Eventually);

        page.WaitForAssertion(() =>
            Assert.Equal(["Hi, order 77 please", $"New phone. My old number is {firstPhone}"], ThreadTexts(page)), Eventually);
        Assert.Empty(page.FindAll("[data-testid=merge-suggestion]"));
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(keptId, (await db.Contacts.SingleAsync(c => c.Id == otherId)).MergedIntoId);
        Assert.Equal(MergeSuggestionStatus.Accepted, (await db.MergeSuggestions.SingleAsync(s => s.ContactId == otherId || s.CandidateContactId == otherId)).Status);
    }

    [Fact]
    public async Task DismissingASuggestion_HidesItAndMergesNothing()
    {
        await SignInAsAdminAsync();
        var now = App.Clock.GetUtcNow();
        var firstPhone = TestData.NewGermanMobile();
        var keptId = await App.CustomerTextsOnWhatsAppAsync(firstPhone, "Hans Kept", now.AddMinutes(-30), "hello");
        var otherId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Hans Other", now.AddMinutes(-10), $"Call my colleague on {firstPhone}");
        var (page, _) = RenderProfile(keptId);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=merge-suggestion]")), Eventually);

        await page.Find("[data-testid=merge-dismiss]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=merge-suggestion]")), Eventually);
        await using var db = await App.CreateDbContextAsync();
        Assert.Null((await db.Contacts.SingleAsync(c => c.Id == otherId)).MergedIntoId);
        Assert.Equal(MergeSuggestionStatus.Dismissed, (await db.MergeSuggestions.SingleAsync(s => s.ContactId == otherId)).Status);
    }
}
