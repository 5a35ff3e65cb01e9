using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Web.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Consent;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class ConsentIndicatorTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Indicator_NothingRecorded_SaysNoOptOuts()
    {
        await SignInAsAdminAsync();

        var (_, page) = await OpenNewCustomerAsync("Una Consent");

        Assert.Equal("No opt-outs.", page.Find("[data-testid=consent-none]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=consent-opt-out]"));
    }

    [Fact]
    public async Task Indicator_ShowsAFullOptOutAndAMarketingOptOutPerChannel()
    {
        await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Vera Consent", App.Clock.GetUtcNow(), "hi");
        await RecordAsync(contactId, "sms", "marketing", optedIn: false);
        await RecordAsync(contactId, "sms", "all", optedIn: false);
        await RecordAsync(contactId, "whatsapp", "marketing", optedIn: false);

        var page = RenderProfile(contactId).Page;

        Assert.Equal(["WhatsApp: marketing opt-out", "SMS: opted out"], OptOutChips(page));
        Assert.Empty(page.FindAll("[data-testid=consent-none]"));
    }

    [Fact]
    public async Task Indicator_UpdatesLive_WhenTheCustomerWritesStop()
    {
        await SignInAsAdminAsync();
        var phone = TestData.NewGermanMobile();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(phone, "Wim Live", App.Clock.GetUtcNow(), "hi");
        var page = RenderProfile(contactId).Page;
        Assert.Empty(OptOutChips(page));

        await App.CustomerTextsOnWhatsAppAsync(phone, "Wim Live", App.Clock.GetUtcNow(), "STOP");

        page.WaitForAssertion(() => Assert.Equal(["WhatsApp: marketing opt-out"], OptOutChips(page)), Eventually);
    }

    [Fact]
    public async Task HistoryDialog_ShowsTheChanges_AndAnAgentRecordsAnOptOut()
    {
        var adminId = await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Xena History", App.Clock.GetUtcNow(), "STOP");
        await App.WaitForConsentAsync(contactId, ChannelKind.WhatsApp, ConsentScope.Marketing, optedIn: false);
        var view = RenderProfile(contactId);

        var opening = view.Page.Find("[data-testid=consent-history]").ClickAsync(new());
        view.Dialogs.WaitForAssertion(() => Assert.Single(view.Dialogs.FindAll("[data-testid=consent-history-row]")), Eventually);
        Assert.Contains("opted out of marketing", view.Dialogs.Find("[data-testid=consent-history-row]").TextContent);
        Assert.Contains("keyword: STOP", view.Dialogs.Find("[data-testid=consent-history-row]").TextContent);

        await Field(view.Dialogs, "consent-note").InputAsync("Called: no more messages at all.");
        await view.Dialogs.Find("[data-testid=consent-record-opt-out]").ClickAsync(new());

        view.Dialogs.WaitForAssertion(() => Assert.Equal(2, view.Dialogs.FindAll("[data-testid=consent-history-row]").Count), Eventually);
        var newest = view.Dialogs.FindAll("[data-testid=consent-history-row]")[0].TextContent;
        Assert.Contains("opted out of all messages", newest);
        Assert.Contains("recorded by an agent: Called: no more messages at all.", newest);
        Assert.Contains(FlowsAppFactory.AdminEmail, newest);
        await view.Dialogs.Find("[data-testid=consent-close]").ClickAsync(new());
        await opening.WaitAsync(Eventually);
        view.Page.WaitForAssertion(() => Assert.Equal(["WhatsApp: opted out"], OptOutChips(view.Page)), Eventually);
        var change = (await App.HistoryAsync(contactId)).Single(c => c.Source == ConsentSource.Agent);
        Assert.Equal((ChannelKind.WhatsApp, ConsentScope.All, false, adminId), (change.Channel, change.Scope, change.OptedIn, change.ChangedByUserId));
    }

    [Fact]
    public async Task HistoryDialog_OptInWithoutANote_IsRefusedAndNothingStored()
    {
        await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Yuri Refused", App.Clock.GetUtcNow(), "hi");
        var view = RenderProfile(contactId);
        var dialogs = view.Dialogs;

        var opening = view.Page.Find("[data-testid=consent-history]").ClickAsync(new());
        dialogs.WaitForElement("[data-testid=consent-record-opt-in]", Eventually);
        await dialogs.Find("[data-testid=consent-record-opt-in]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("note is required for an opt-in", dialogs.Find("[data-testid=consent-message]").TextContent), Eventually);
        Assert.Empty(await App.HistoryAsync(contactId));
        await dialogs.Find("[data-testid=consent-close]").ClickAsync(new());
        await opening.WaitAsync(Eventually);
    }

    [Fact]
    public async Task HistoryDialog_ForAMarketingUser_OffersNoRecording()
    {
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Zoe Marketing", App.Clock.GetUtcNow(), "hi");
        Authorization.SetAuthorized("marketing@test.local");
        Authorization.SetRoles(Roles.Marketing);
        var view = RenderProfile(contactId);

        _ = view.Page.Find("[data-testid=consent-history]").ClickAsync(new());

        view.Dialogs.WaitForElement("[data-testid=consent-history-empty]", Eventually);
        Assert.Empty(view.Dialogs.FindAll("[data-testid=consent-record-opt-out]"));
        Assert.Empty(view.Dialogs.FindAll("[data-testid=consent-note]"));
    }

    private static List<string> OptOutChips(IRenderedComponent<ContactProfilePage> page) =>
        [.. page.FindAll("[data-testid=consent-opt-out]").Select(c => c.TextContent.Trim())];

    private async Task RecordAsync(Guid contactId, string channel, string scope, bool optedIn)
    {
        await using var services = App.Services.CreateAsyncScope();
        var (refusal, _) = await services.ServiceProvider.GetRequiredService<ConsentAdministration>()
            .RecordAsync(contactId, new RecordConsentRequest(channel, scope, optedIn, "seeded"), null, "Seed", CancellationToken.None);
        Assert.Null(refusal);
    }
}
