using System.Text.Json;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;
using static Omnichannel.Flows.Web.Tests.Components.Templates.TemplateTestSteps;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

public sealed class TemplatesPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task TemplatesPage_FilteredByCategoryStatusAndSearch_ListsOnlyWhatMatches()
    {
        Authorization.SignInAs(Roles.Agent);
        var token = Token();
        var utility = await App.TemplateAsync($"Order {{{{1}}}} shipped ({token}).", TemplateCategory.Utility);
        var marketing = await App.TemplateAsync($"{{{{1}}}}, spring sale ({token})!", TemplateCategory.Marketing);
        var pending = await App.TemplateAsync($"Order {{{{1}}}} delayed ({token}).", TemplateCategory.Utility, TemplateStatus.Pending);
        var view = RenderPage();

        await view.Page.Find("input[data-testid=templates-search]").InputAsync(token);
        view.Page.WaitForAssertion(() => Assert.Equal(Sorted(utility.Name, marketing.Name, pending.Name), Listed(view.Page)), Eventually);

        await ChooseAsync<TemplateCategory?>(view, "utility");
        view.Page.WaitForAssertion(() => Assert.Equal(Sorted(utility.Name, pending.Name), Listed(view.Page)), Eventually);

        await ChooseAsync<TemplateStatus?>(view, "approved");
        view.Page.WaitForAssertion(() => Assert.Equal([utility.Name], Listed(view.Page)), Eventually);
        var row = RowOf(view.Page, utility.Name);
        Assert.Equal("utility", row.QuerySelector("[data-testid=template-category]")!.TextContent.Trim());
        Assert.Equal("approved", row.QuerySelector("[data-testid=template-status]")!.TextContent.Trim());
        Assert.Contains("mud-chip-color-success", row.QuerySelector("[data-testid=template-status]")!.ClassName);
    }

    [Fact]
    public async Task TemplatesPage_FilteredByLanguage_ListsOnlyTemplatesInIt()
    {
        Authorization.SignInAs(Roles.Agent);
        var token = Token();
        var english = await App.TemplateAsync($"Your parcel {{{{1}}}} left us ({token}).", TemplateCategory.Utility);
        var german = await App.TemplateAsync($"Ihr Paket {{{{1}}}} ist unterwegs ({token}).", TemplateCategory.Utility, language: "de");
        var view = RenderPage();
        await view.Page.Find("input[data-testid=templates-search]").InputAsync(token);
        view.Page.WaitForAssertion(() => Assert.Equal(Sorted(english.Name, german.Name), Listed(view.Page)), Eventually);

        await ChooseAsync<string>(view, "de");

        view.Page.WaitForAssertion(() => Assert.Equal([german.Name], Listed(view.Page)), Eventually);
        Assert.Equal("de", RowOf(view.Page, german.Name).QuerySelector("[data-testid=template-language]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Preview_WithSampleValuesAndACustomer_ShowsTheRenderedTextAndItsCost()
    {
        Authorization.SignInAs(Roles.Agent);
        var token = Token();
        var template = await App.TemplateAsync($"Hi {{{{1}}}}, your order {{{{2}}}} has shipped. {token}", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        await App.CustomerAsync("Greta Costly", App.Clock.GetUtcNow().AddDays(-2), phone: phone);
        var view = RenderPage();
        await view.Page.Find("input[data-testid=templates-search]").InputAsync(token);
        view.Page.WaitForAssertion(() => Assert.Equal([template.Name], Listed(view.Page)), Eventually);

        await view.Page.InvokeAsync(() => RowOf(view.Page, template.Name).ClickAsync(new()));
        await view.Page.WaitForElement("#preview-sample-1", Eventually).InputAsync("Anna");
        await view.Page.Find("#preview-sample-2").InputAsync("1042");
        await view.Page.Find("input[data-testid=preview-contact]").InputAsync(phone[^8..]);
        view.Popovers.WaitForAssertion(() => Assert.Contains("Greta Costly", view.Popovers.Find(".mud-list-item").TextContent), Eventually);
        await view.Popovers.Find(".mud-list-item").ClickAsync(new());

        view.Page.WaitForAssertion(() => Assert.Equal("utility", view.Page.Find("[data-testid=cost-category]").TextContent.Trim()), Eventually);
        Assert.Equal($"Hi {{{{1}}}}, your order {{{{2}}}} has shipped. {token}", view.Page.Find("[data-testid=preview-body]").TextContent.Trim());
        Assert.Equal($"Hi Anna, your order 1042 has shipped. {token}", view.Page.Find("[data-testid=preview-rendered]").TextContent.Trim());
        Assert.Equal("Germany", view.Page.Find("[data-testid=cost-market]").TextContent.Trim());
        Assert.Equal("0.055 USD", view.Page.Find("[data-testid=cost-amount]").TextContent.Trim());
        Assert.Equal("no", view.Page.Find("[data-testid=cost-free]").TextContent.Trim());
        Assert.Equal("Utility templates are charged outside the service window.", view.Page.Find("[data-testid=cost-reason]").TextContent.Trim());
    }

    [Fact]
    public async Task Preview_ForACustomer_FillsNamedSamplesFromTheirProfileButKeepsWhatWasTyped()
    {
        Authorization.SignInAs(Roles.Agent);
        var token = Token();
        var template = await App.TemplateAsync($"Hi {{{{first_name}}}}, your {{{{plan}}}} plan renews on {{{{renewal}}}}. {token}", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        await App.CustomerAsync("Greta Gold", App.Clock.GetUtcNow().AddHours(-1), firstName: "Greta",
            fields: new Dictionary<string, string> { ["plan"] = "Gold", ["renewal"] = "1 May" }, phone: phone);
        var view = RenderPage();
        await view.Page.Find("input[data-testid=templates-search]").InputAsync(token);
        view.Page.WaitForAssertion(() => Assert.Equal([template.Name], Listed(view.Page)), Eventually);
        // Found and clicked in one turn of the renderer: the search's last re-render may come in between otherwise.
        await view.Page.InvokeAsync(() => RowOf(view.Page, template.Name).ClickAsync(new()));
        await view.Page.WaitForElement("#preview-sample-renewal", Eventually).InputAsync("2 June");

        await view.Page.Find("input[data-testid=preview-contact]").InputAsync(phone[^8..]);
        view.Popovers.WaitForAssertion(() => Assert.Contains("Greta Gold", view.Popovers.Find(".mud-list-item").TextContent), Eventually);
        await view.Popovers.Find(".mud-list-item").ClickAsync(new());

        view.Page.WaitForAssertion(() => Assert.Equal($"Hi Greta, your Gold plan renews on 2 June. {token}",
            view.Page.Find("[data-testid=preview-rendered]").TextContent.Trim()), Eventually);
        Assert.Equal("Greta", view.Page.Find("#preview-sample-first_name").GetAttribute("value"));
        // She wrote an hour ago: inside her window a utility template is free.
        Assert.Equal("yes", view.Page.Find("[data-testid=cost-free]").TextContent.Trim());
    }

    [Fact]
    public async Task NewTemplate_WithABadNameThenGappedPlaceholders_ShowsEachErrorNextToItsField()
    {
        await SignInAsAdminAsync();
        var view = RenderPage();
        // Completes when the dialog closes, which it does not here.
        _ = view.Page.Find("[data-testid=template-new]").ClickAsync(new());
        view.Dialogs.WaitForElement("[data-testid=new-template-dialog]", Eventually);

        Type(view.Dialogs, "new-template-name", "Order Update");
        await view.Dialogs.Find("#new-template-body").InputAsync("Hi {{1}}, see {{3}}");
        await view.Dialogs.Find("[data-testid=new-template-submit]").ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Contains("lower-case letters, digits and underscores", FieldText(view.Dialogs, "new-template-name")), Eventually);

        var name = $"order_update_{Token()}";
        Type(view.Dialogs, "new-template-name", name);
        await view.Dialogs.Find("[data-testid=new-template-submit]").ClickAsync(new());

        view.Dialogs.WaitForAssertion(() => Assert.Contains("{{2}} is missing", FieldText(view.Dialogs, "new-template-body")), Eventually);
        Assert.DoesNotContain("lower-case", FieldText(view.Dialogs, "new-template-name"));
        Assert.DoesNotContain(App.Provider.Requests, r => r.Method == "POST" && r.Body.Contains("order_update_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewTemplate_Submitted_IsPostedToMetaWithExamplesAndStoredPending()
    {
        await SignInAsAdminAsync();
        var name = $"shipping_notice_{Token()}";
        App.Provider.Respond("/message_templates", FakeResponse.Json("""{ "id": "778899", "status": "PENDING", "category": "UTILITY" }"""));
        var view = RenderPage();
        var submitting = view.Page.Find("[data-testid=template-new]").ClickAsync(new());
        view.Dialogs.WaitForElement("[data-testid=new-template-dialog]", Eventually);

        Type(view.Dialogs, "new-template-name", name);
        Type(view.Dialogs, "new-template-header", "Your parcel");
        await view.Dialogs.Find("#new-template-body").InputAsync("Hi {{first_name}}, parcel {{parcel_id}} is on its way.");
        await view.Dialogs.WaitForElement("#new-template-sample-first_name", Eventually).ChangeAsync(new() { Value = "Anna" });
        await view.Dialogs.Find("#new-template-sample-parcel_id").ChangeAsync(new() { Value = "P-1042" });
        Type(view.Dialogs, "new-template-footer", "Reply STOP to opt out");
        await view.Dialogs.Find("[data-testid=new-template-submit]").ClickAsync(new());
        await submitting.WaitAsync(Eventually);

        view.Page.WaitForAssertion(() => Assert.Contains($"Submitted {name} (en_US) to Meta: pending", view.Page.Find("[data-testid=templates-notice]").TextContent), Eventually);
        Assert.Empty(view.Dialogs.FindAll("[data-testid=new-template-dialog]"));
        var sent = JsonDocument.Parse(Assert.Single(App.Provider.Requests, r => r.Method == "POST" && r.Body.Contains(name, StringComparison.Ordinal)).Body).RootElement;
        Assert.Equal(("en_US", "UTILITY", "named"), (sent.GetProperty("language").GetString(), sent.GetProperty("category").GetString(), sent.GetProperty("parameter_format").GetString()));
        var components = sent.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["HEADER", "BODY", "FOOTER"], components.Select(c => c.GetProperty("type").GetString()));
        Assert.Equal("Your parcel", components[0].GetProperty("text").GetString());
        var examples = components[1].GetProperty("example").GetProperty("body_text_named_params").EnumerateArray()
            .Select(e => (e.GetProperty("param_name").GetString(), e.GetProperty("example").GetString()));
        Assert.Equal([("first_name", "Anna"), ("parcel_id", "P-1042")], examples);
        await using var db = await App.CreateDbContextAsync();
        var stored = await db.MessageTemplates.SingleAsync(t => t.Name == name);
        Assert.Equal(("778899", TemplateStatus.Pending, "Hi {{first_name}}, parcel {{parcel_id}} is on its way."), (stored.ExternalId, stored.Status, stored.BodyText));
        view.Page.WaitForAssertion(() => Assert.Contains(name, view.Page.Find("[data-testid=template-preview]").TextContent), Eventually);
    }

    [Fact]
    public void TemplatesPage_AsAgent_OffersNoSyncNoNewTemplateAndNoSavedReplyEditing()
    {
        Authorization.SignInAs(Roles.Agent);
        var view = RenderPage();

        Assert.Empty(view.Page.FindAll("[data-testid=templates-sync]"));
        Assert.Empty(view.Page.FindAll("[data-testid=template-new]"));
        OpenSavedReplies(view.Page);
        view.Page.WaitForElement("[data-testid=saved-replies-table]", Eventually);
        Assert.Empty(view.Page.FindAll("[data-testid=saved-reply-new]"));
        Assert.Empty(view.Page.FindAll("[data-testid=saved-reply-edit]"));
        Assert.Empty(view.Page.FindAll("[data-testid=saved-reply-delete]"));
    }

    private PageView RenderPage()
    {
        var popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<TemplatesPage>();
        page.WaitForElement("[data-testid=templates-table]", Eventually);
        return new PageView(page, dialogs, popovers);
    }

    private static async Task ChooseAsync<T>(PageView view, string option)
    {
        var select = view.Page.FindComponent<MudSelect<T>>();
        await view.Page.InvokeAsync(() => select.Instance.OpenMenu());
        view.Popovers.WaitForAssertion(() => Assert.Contains(view.Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == option), Eventually);
        await view.Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == option).ClickAsync(new());
    }

    internal static void OpenSavedReplies(IRenderedComponent<TemplatesPage> page) =>
        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Saved replies", StringComparison.Ordinal)).Click();

    private static List<string> Listed(IRenderedComponent<TemplatesPage> page) =>
        [.. page.FindAll("[data-testid=template-name]").Select(n => n.TextContent.Trim()).Order(StringComparer.Ordinal)];

    private static List<string> Sorted(params string[] names) => [.. names.Order(StringComparer.Ordinal)];

    private static AngleSharp.Dom.IElement RowOf(IRenderedComponent<TemplatesPage> page, string name) =>
        page.FindAll("[data-testid=templates-table] tbody tr").Single(r => r.QuerySelector("[data-testid=template-name]")?.TextContent.Trim() == name);

    private static string Token() => Guid.NewGuid().ToString("N")[..10];
}

public sealed record PageView(
    IRenderedComponent<TemplatesPage> Page, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudPopoverProvider> Popovers);
