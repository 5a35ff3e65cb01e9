using System.Text.Json;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Contacts;
using Omnichannel.Flows.Web.Components.Templates;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

/// <summary>The reply box follows the chosen channel's service window: free text while it is open, approved templates once WhatsApp's has closed.</summary>
[Collection(ContactPagesCollection.Name)]
public sealed class ReplyBoxWindowTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Reply_AfterTheWhatsAppWindowClosed_SwitchesToTemplatesAndSendsOne()
    {
        var adminId = await SignInAsAdminAsync();
        var template = await App.TemplateAsync("Hi {{1}}, your order {{2}} has shipped.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var wroteAt = App.Clock.GetUtcNow().AddHours(-25);
        var contactId = await App.CustomerTextsOnWhatsAppAsync(phone, "Paula Template", wroteAt, "Where is my order?");
        var wamid = $"wamid.{Guid.NewGuid():N}";
        App.Provider.Respond("/messages", FakeResponse.Json($$"""{ "messages": [{ "id": "{{wamid}}" }] }"""));
        var page = RenderProfile(contactId).Page;

        page.WaitForAssertion(() => Assert.Equal($"Window closed since {TemplateLabels.Time(wroteAt.UtcDateTime.AddHours(24))}",
            page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        Assert.Contains("Free text is off", page.Find("[data-testid=reply-text-disabled]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=reply-text]"));
        var offered = page.WaitForElement($"[data-testid=picker-template][data-template={template.Name}]", Eventually);
        Assert.Equal("0.055 USD", offered.QuerySelector("[data-testid=cost-chip]")!.TextContent.Trim());
        Assert.True(page.Find("[data-testid=reply-send-template]").HasAttribute("disabled"));

        await offered.ClickAsync(new());
        await page.WaitForElement("#picker-param-1", Eventually).InputAsync("Paula");
        await page.Find("#picker-param-2").InputAsync("1042");
        Assert.StartsWith("Costs 0.055 USD — Utility templates are charged outside the service window.", page.Find("[data-testid=picker-cost]").TextContent.Trim());
        Assert.Equal("Send template · 0.055 USD", page.Find("[data-testid=reply-send-template]").TextContent.Trim());
        await page.Find("[data-testid=reply-send-template]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            var bubble = Bubble(page, "Hi Paula, your order 1042 has shipped.");
            Assert.Equal("sent", bubble.QuerySelector("[data-testid=message-status]")!.TextContent.Trim());
            Assert.Equal($"{template.Name} · utility", bubble.QuerySelector("[data-testid=message-template]")!.TextContent.Trim());
            Assert.Equal("≈ 0.055 USD (estimate)", bubble.QuerySelector("[data-testid=message-cost]")!.TextContent.Trim());
        }, Eventually);
        await using (var db = await App.CreateDbContextAsync())
        {
            var stored = await db.Messages.SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound);
            Assert.Equal((MessageKind.Template, template.Name, "en_US"), (stored.Kind, stored.TemplateName, stored.TemplateLanguage));
            Assert.Equal((adminId, 55_000L, "Germany"), (stored.AuthorUserId, stored.CostEstimateMicros, stored.CostMarket));
        }

        var sent = await App.Provider.WaitForRequestAsync(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body.Contains(template.Name, StringComparison.Ordinal));
        var json = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal(("template", phone.TrimStart('+')), (json.GetProperty("type").GetString(), json.GetProperty("to").GetString()));
        Assert.Equal("en_US", json.GetProperty("template").GetProperty("language").GetProperty("code").GetString());
        Assert.Equal(["Paula", "1042"], json.GetProperty("template").GetProperty("components")[0].GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("text").GetString()));

        await App.CreateClient().PostMetaAsync("/webhooks/whatsapp", WhatsAppPayloads.Status(wamid, "delivered", App.Clock.GetUtcNow(), phone.TrimStart('+'),
            """, "pricing": { "billable": true, "pricing_model": "PMP", "category": "utility", "type": "regular" }"""), App.Secrets.WhatsAppAppSecret);
        await App.WaitForInboundProcessingAsync();

        page.WaitForAssertion(() => Assert.Equal("cost 0.055 USD",
            Bubble(page, "Hi Paula, your order 1042 has shipped.").QuerySelector("[data-testid=message-cost]")!.TextContent.Trim()), Eventually);
    }

    [Fact]
    public async Task Reply_WindowStatePerChannel_OpenUntilOnWhatsAppAndNoneOnSms()
    {
        await SignInAsAdminAsync();
        var wroteAt = App.Clock.GetUtcNow().AddHours(-1);
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Wanda Window", wroteAt, "hello");
        var view = RenderProfile(contactId);

        view.Page.WaitForAssertion(() => Assert.Equal($"Window open until {TemplateLabels.Time(wroteAt.UtcDateTime.AddHours(24))}",
            view.Page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        Assert.NotEmpty(view.Page.FindAll("[data-testid=reply-text]"));
        Assert.Empty(view.Page.FindAll("[data-testid=template-picker]"));

        await ChooseChannelAsync(view, "SMS");

        view.Page.WaitForAssertion(() => Assert.Equal("No service window", view.Page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        Assert.Empty(view.Page.FindAll("[data-testid=reply-text-disabled]"));
    }

    [Fact]
    public async Task Reply_WhenTheWindowClosesWhileTheAgentLooks_SwitchesToTemplatesThen()
    {
        // The reply box's timer runs on the app's (fake) clock here, not on the system clock MudBlazor registers
        // (for every test that would stop MudBlazor's debounced inputs; this page has none in play).
        Services.AddSingleton<TimeProvider>(App.Clock);
        await SignInAsAdminAsync();
        var template = await App.TemplateAsync("Hello {{1}}, we are still on it.", TemplateCategory.Utility);
        var wroteAt = DateTimeOffset.FromUnixTimeSeconds(App.Clock.GetUtcNow().AddHours(-24).AddMinutes(5).ToUnixTimeSeconds());
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Theo Timer", wroteAt, "Any news?");
        var page = RenderProfile(contactId).Page;
        page.WaitForAssertion(() => Assert.StartsWith("Window open until", page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        Assert.NotEmpty(page.FindAll("[data-testid=reply-text]"));

        App.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotEmpty(page.FindAll("[data-testid=reply-text]"));
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        page.WaitForAssertion(() => Assert.Equal($"Window closed since {TemplateLabels.Time(wroteAt.UtcDateTime.AddHours(24))}",
            page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        Assert.Empty(page.FindAll("[data-testid=reply-text]"));
        page.WaitForElement($"[data-testid=picker-template][data-template={template.Name}]", Eventually);
    }

    [Fact]
    public async Task Reply_FreeTextAfterTheWindowClosedMeanwhile_ShowsTheRefusalAndTheTemplatesThatFit()
    {
        await SignInAsAdminAsync();
        var template = await App.TemplateAsync("Hello {{1}}, we have news about your request.", TemplateCategory.Utility);
        var wroteAt = DateTimeOffset.FromUnixTimeSeconds(App.Clock.GetUtcNow().AddHours(-24).AddMinutes(1).ToUnixTimeSeconds());
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Lena Late", wroteAt, "Any update?");
        var page = RenderProfile(contactId).Page;
        page.WaitForAssertion(() => Assert.StartsWith("Window open until", page.Find("[data-testid=reply-window]").TextContent.Trim()), Eventually);
        App.Clock.Advance(TimeSpan.FromMinutes(2));

        await Field(page, "reply-text").InputAsync("Still checking, sorry!");
        await page.Find("[data-testid=reply-send]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.Contains("The WhatsApp service window is closed at", page.Find("[data-testid=reply-refusal]").TextContent);
            var suggestion = page.FindAll("[data-testid=reply-suggestion]").Single(s => s.TextContent.Contains(template.Name, StringComparison.Ordinal));
            Assert.Contains("utility", suggestion.TextContent);
            Assert.Equal("0.055 USD", suggestion.QuerySelector("[data-testid=cost-chip]")!.TextContent.Trim());
        }, Eventually);
        Assert.StartsWith("Window closed since", page.Find("[data-testid=reply-window]").TextContent.Trim());
        page.WaitForElement($"[data-testid=picker-template][data-template={template.Name}]", Eventually);
        await using var db = await App.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }

    [Fact]
    public async Task Reply_ToACustomerWhoOptedOutOfTheChannel_OffersNoFreeTextAndSaysWhy()
    {
        await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Otto Optout", App.Clock.GetUtcNow().AddHours(-1), "STOP please");
        await using (var services = App.Services.CreateAsyncScope())
        {
            var (refusal, _) = await services.ServiceProvider.GetRequiredService<ConsentAdministration>()
                .RecordAsync(contactId, new RecordConsentRequest("whatsapp", "all", false, "asked on the phone"), null, "Seed", CancellationToken.None);
            Assert.Null(refusal);
        }

        var page = RenderProfile(contactId).Page;

        page.WaitForAssertion(() => Assert.Equal("The customer opted out of WhatsApp: free text cannot be sent there until they opt in again.",
            page.Find("[data-testid=reply-text-disabled]").TextContent.Trim()), Eventually);
        Assert.StartsWith("Window open until", page.Find("[data-testid=reply-window]").TextContent.Trim());
        Assert.True(Field(page, "reply-text").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=reply-send]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Reply_OnSmsWithASavedReply_InsertsItFilledInForTheCustomer()
    {
        await SignInAsAdminAsync();
        var name = $"Parcel news {Guid.NewGuid():N}"[..24];
        using (var scope = App.Services.CreateScope())
        {
            var (created, problem) = await scope.ServiceProvider.GetRequiredService<SavedReplyAdministration>().CreateAsync(
                new SavedReplyRequest(name, "Hi {{ contact.first_name | default: 'there' }}, your parcel is on its way.", ["sms"]), CancellationToken.None);
            Assert.Null(problem);
        }

        var contactId = await App.CustomerAsync("Sven Saved", App.Clock.GetUtcNow().AddMinutes(-5), firstName: "Sven");
        var view = RenderProfile(contactId);
        await ChooseChannelAsync(view, "SMS");

        await view.Page.WaitForElement("[data-testid=reply-saved-replies] button", Eventually).ClickAsync(new());
        view.Popovers.WaitForElement("[data-testid=saved-reply-item]", Eventually);
        await view.Popovers.FindAll("[data-testid=saved-reply-item]").Single(i => i.TextContent.Trim() == name).ClickAsync(new());

        view.Page.WaitForAssertion(() => Assert.Equal("Hi Sven, your parcel is on its way.", Field(view.Page, "reply-text").GetAttribute("value")), Eventually);
    }

    [Fact]
    public async Task Thread_MessageThatFailedBecauseTheWindowClosed_SaysSoPlainly()
    {
        await SignInAsAdminAsync();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), "Fritz Failed", App.Clock.GetUtcNow().AddHours(-30), "hi");
        await App.AddMessageAsync(contactId, ChannelKind.WhatsApp, MessageDirection.Outbound, App.Clock.GetUtcNow().UtcDateTime.AddHours(-1),
            "Are you still there?", DeliveryStatus.Failed, errorCode: SendFailures.WindowClosed, errorReason: "131047: Re-engagement message");

        var page = RenderProfile(contactId).Page;

        page.WaitForAssertion(() => Assert.Equal("Not delivered: the WhatsApp window had closed — send a template.",
            Bubble(page, "Are you still there?").QuerySelector("[data-testid=message-error]")!.TextContent.Trim()), Eventually);
    }

    private static async Task ChooseChannelAsync(ProfileView view, string channel)
    {
        var select = view.Page.WaitForComponent<MudSelect<ChannelKind?>>(Eventually);
        await view.Page.InvokeAsync(() => select.Instance.OpenMenu());
        view.Popovers.WaitForElement(".mud-list-item", Eventually);
        await view.Popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == channel).ClickAsync(new());
    }
}
