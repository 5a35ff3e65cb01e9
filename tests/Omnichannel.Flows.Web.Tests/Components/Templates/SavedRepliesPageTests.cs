using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using static Omnichannel.Flows.Web.Tests.Components.Templates.TemplateTestSteps;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

public sealed class SavedRepliesPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task SavedReplies_AsMarketing_AreCreatedWithALivePreviewEditedAndDeleted()
    {
        Authorization.SignInAs(Roles.Marketing);
        var phone = TestData.NewGermanMobile();
        await App.CustomerAsync("Sven Preview", App.Clock.GetUtcNow().AddMinutes(-5), firstName: "Sven", phone: phone);
        var name = $"Thanks {Guid.NewGuid():N}"[..20];
        var view = RenderSavedReplies();

        var creating = view.Page.Find("[data-testid=saved-reply-new]").ClickAsync(new());
        view.Dialogs.WaitForElement("[data-testid=saved-reply-dialog]", Eventually);
        Type(view.Dialogs, "saved-reply-name", name);
        await view.Dialogs.Find("#saved-reply-text").InputAsync("Hi {{ contact.first_name }}, thanks for waiting.");
        await view.Dialogs.InvokeAsync(() => view.Dialogs.FindComponent<MudSelect<ChannelKind>>().Instance.OpenMenu());
        view.Popovers.WaitForAssertion(() => Assert.Contains(view.Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == "SMS"), Eventually);
        await view.Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == "SMS").ClickAsync(new());
        await view.Dialogs.Find("input[data-testid=saved-reply-contact]").InputAsync(phone[^8..]);
        view.Popovers.WaitForAssertion(() => Assert.Contains(view.Popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("Sven Preview", StringComparison.Ordinal)), Eventually);
        await view.Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains("Sven Preview", StringComparison.Ordinal)).ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Equal("Hi Sven, thanks for waiting.", view.Dialogs.Find("[data-testid=saved-reply-preview]").TextContent.Trim()), Eventually);
        await view.Dialogs.Find("[data-testid=saved-reply-save]").ClickAsync(new());
        await creating.WaitAsync(Eventually);

        view.Page.WaitForAssertion(() =>
        {
            Assert.Equal($"Created {name}.", view.Page.Find("[data-testid=saved-replies-notice]").TextContent.Trim());
            Assert.Contains("SMS", RowOf(view.Page, name).TextContent);
        }, Eventually);
        await using (var db = await App.CreateDbContextAsync())
        {
            var stored = await db.SavedReplies.SingleAsync(r => r.Name == name);
            Assert.Equal("Hi {{ contact.first_name }}, thanks for waiting.", stored.Text);
            Assert.Equal([ChannelKind.Sms], stored.Channels);
        }

        var editing = RowOf(view.Page, name).QuerySelector("[data-testid=saved-reply-edit]")!.ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Equal(name, view.Dialogs.Find("#saved-reply-name").GetAttribute("value")), Eventually);
        await view.Dialogs.Find("#saved-reply-text").InputAsync("Thanks for waiting, {{ contact.first_name }}!");
        await view.Dialogs.Find("[data-testid=saved-reply-save]").ClickAsync(new());
        await editing.WaitAsync(Eventually);

        view.Page.WaitForAssertion(() => Assert.Equal($"Saved {name}.", view.Page.Find("[data-testid=saved-replies-notice]").TextContent.Trim()), Eventually);
        await using (var db = await App.CreateDbContextAsync())
        {
            Assert.Equal("Thanks for waiting, {{ contact.first_name }}!", (await db.SavedReplies.SingleAsync(r => r.Name == name)).Text);
        }

        var deleting = RowOf(view.Page, name).QuerySelector("[data-testid=saved-reply-delete]")!.ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Contains($"Delete {name}?", view.Dialogs.Markup), Eventually);
        await view.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").ClickAsync(new());
        await deleting.WaitAsync(Eventually);

        view.Page.WaitForAssertion(() => Assert.Equal($"Deleted {name}.", view.Page.Find("[data-testid=saved-replies-notice]").TextContent.Trim()), Eventually);
        Assert.DoesNotContain(view.Page.FindAll("[data-testid=saved-reply-name]"), n => n.TextContent.Trim() == name);
        await using (var db = await App.CreateDbContextAsync())
        {
            Assert.False(await db.SavedReplies.AnyAsync(r => r.Name == name));
        }
    }

    [Fact]
    public async Task SavedReply_WithANameInUse_ShowsTheConflictNextToTheName()
    {
        await SignInAsAdminAsync();
        var name = $"Taken {Guid.NewGuid():N}"[..20];
        using (var scope = App.Services.CreateScope())
        {
            var (_, problem) = await scope.ServiceProvider.GetRequiredService<SavedReplyAdministration>()
                .CreateAsync(new SavedReplyRequest(name, "First one", null), CancellationToken.None);
            Assert.Null(problem);
        }

        var view = RenderSavedReplies();
        _ = view.Page.Find("[data-testid=saved-reply-new]").ClickAsync(new());
        view.Dialogs.WaitForElement("[data-testid=saved-reply-dialog]", Eventually);
        Type(view.Dialogs, "saved-reply-name", name);
        await view.Dialogs.Find("#saved-reply-text").InputAsync("Second one");
        await view.Dialogs.Find("[data-testid=saved-reply-save]").ClickAsync(new());

        view.Dialogs.WaitForAssertion(() => Assert.Contains($"There is already a saved reply named '{name}'.", FieldText(view.Dialogs, "saved-reply-name")), Eventually);
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(1, await db.SavedReplies.CountAsync(r => r.Name == name));
    }

    private PageView RenderSavedReplies()
    {
        var popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<TemplatesPage>();
        page.WaitForElement("[data-testid=templates-table]", Eventually);
        TemplatesPageTests.OpenSavedReplies(page);
        page.WaitForElement("[data-testid=saved-replies-table]", Eventually);
        return new PageView(page, dialogs, popovers);
    }

    private static AngleSharp.Dom.IElement RowOf(IRenderedComponent<TemplatesPage> page, string name) =>
        page.FindAll("[data-testid=saved-replies-table] tbody tr").Single(r => r.QuerySelector("[data-testid=saved-reply-name]")?.TextContent.Trim() == name);
}
