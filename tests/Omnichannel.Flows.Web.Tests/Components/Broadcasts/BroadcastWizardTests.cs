using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Broadcasts;
using Omnichannel.Flows.Web.Tests.Broadcasts;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Components.Broadcasts;

[Collection(BroadcastPagesCollection.Name)]
public sealed class BroadcastWizardTests(BroadcastAppFactory app) : BroadcastPagesContext(app)
{
    [Fact]
    public async Task Wizard_ShowsWhoTheAudienceReachesPerChannel_WhoIsSkippedAndWhy_AndTheCostBeforeSending()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, our spring sale starts today.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        var optedOut = await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        await App.OptOutAsync(optedOut, ChannelKind.WhatsApp);
        await App.CustomerAsync(new(Email: TestData.NewEmail(), Tags: [tag]));
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: ["someone-else"]));

        var cut = await WizardAtAudienceAsync("Spring sale", tag, "whatsapp", "email");

        cut.WaitForAssertion(() => Assert.Equal("3", TextOf(cut, "reach-audience")), Eventually);
        Assert.Equal("1", Count(Row(cut, "reach-skipped", "data-reason", SkipReasons.OptedOut)));
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Assert.Contains("Hi ‹contact.first_name›, our spring sale starts today.", TextOf(cut, "template-preview"));
        // The sample is rendered again with the template chosen: each customer's message as they would get it.
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=sample-text]"), t => t.TextContent.Contains("Hi Anna, our spring sale starts today.")), Eventually);
        Type(cut, "content-email-subject", "Spring sale");
        Type(cut, "content-email-text", "Hi {{contact.first_name|there}}, our spring sale starts today.");
        Next(cut, WizardStep.Send);

        cut.WaitForAssertion(() => Assert.Equal("0.1365 USD", TextOf(cut, "cost-total")), Eventually);
        Assert.Equal("1", Count(Row(cut, "cost-channel", "data-channel", "whatsapp")));
        Assert.Equal("1", Count(Row(cut, "cost-channel", "data-channel", "email")));
        Assert.Contains("not priced", Row(cut, "cost-channel", "data-channel", "email").TextContent);
        Assert.Contains("1 opted out", TextOf(cut, "cost-skipped"));
        Assert.Contains("Confirm 0.1365 USD and send now", TextOf(cut, "schedule-confirm"));
    }

    [Fact]
    public async Task Wizard_InvalidParts_ShowTheirErrorsNextToTheirFields_AndTheWizardStaysThere()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, 20% off.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        await SignInAsAdminAsync();
        var cut = Render<BroadcastWizardPage>();

        Click(cut, "wizard-next");
        cut.WaitForAssertion(() => Assert.Contains("A broadcast needs a name", FieldText(cut, "broadcast-name")), Eventually);
        Assert.NotEmpty(cut.FindAll("[data-testid=wizard-step-details]"));

        Type(cut, "broadcast-name", "Autumn sale");
        Next(cut, WizardStep.Audience);
        Type(cut, "broadcast-tags", new string('x', 65));
        Click(cut, "channel-add-whatsapp");
        Click(cut, "channel-add-sms");
        Click(cut, "wizard-next");
        cut.WaitForAssertion(() => Assert.Contains("at most 64 characters", FieldText(cut, "broadcast-tags")), Eventually);

        Type(cut, "broadcast-tags", tag);
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Type(cut, "parameter-1-field", "contact.shoe_size");
        Click(cut, "wizard-next");
        cut.WaitForAssertion(() => Assert.Contains("'contact.shoe_size' is not a variable", FieldText(cut, "parameter-1-field")), Eventually);

        Type(cut, "parameter-1-field", "contact.first_name");
        Next(cut, WizardStep.Send);
        // SMS has no text yet: the broadcast is incomplete, and the step it belongs to says so.
        cut.WaitForAssertion(() => Assert.Contains("Content: Say what to send on sms", TextOf(cut, "send-incomplete")), Eventually);
        Assert.True(cut.Find("[data-testid=schedule-confirm]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Wizard_SendNow_StartsTheBroadcast_AndEachCustomerGetsTheTemplateWithTheirName()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, your voucher is waiting.", TemplateCategory.Marketing);
        var (anna, bert) = (TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await App.CustomerAsync(new(Phone: anna, Tags: [tag], FirstName: "Anna"));
        await App.CustomerAsync(new(Phone: bert, Tags: [tag], FirstName: null));
        App.Provider.AcceptWhatsAppSends();
        var cut = await WizardAtAudienceAsync("Voucher", tag, "whatsapp");
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Type(cut, "parameter-1-fallback", "friend");
        Next(cut, WizardStep.Send);
        cut.WaitForAssertion(() => Assert.Equal("0.273 USD", TextOf(cut, "cost-total")), Eventually);

        Click(cut, "schedule-confirm");

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        cut.WaitForAssertion(() => Assert.Matches("/broadcasts/[0-9a-f-]{36}$", navigation.Uri), Eventually);
        var id = Guid.Parse(navigation.Uri[^36..]);
        var stored = await App.WaitUntilCompletedAsync(id);
        Assert.Equal(273_000, stored.ConfirmedCostMicros);
        Assert.Equal($"{template.Name}: Anna", Sent(Assert.Single(App.Provider.WhatsAppSendsTo(anna))));
        Assert.Equal($"{template.Name}: friend", Sent(Assert.Single(App.Provider.WhatsAppSendsTo(bert))));
    }

    [Fact]
    public async Task TestSend_GoesToTheChosenContactOnly_AndTheBroadcastStaysADraft()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, a preview of our offer.", TemplateCategory.Marketing);
        var (mine, other) = (TestData.NewGermanMobile(), TestData.NewGermanMobile());
        var me = await App.CustomerAsync(new(Phone: mine, Tags: [tag], FirstName: "Mara"));
        await App.CustomerAsync(new(Phone: other, Tags: [tag], FirstName: "Olaf"));
        App.Provider.AcceptWhatsAppSends();
        var cut = await WizardAtAudienceAsync("Offer", tag, "whatsapp");
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Next(cut, WizardStep.Send);

        cut.WaitForElement($"[data-testid=sample-recipient][data-contact='{me}'] [data-testid=test-send]", Eventually).Click();

        cut.WaitForAssertion(() => Assert.Equal("Test queued to Mara on WhatsApp.", TextOf(cut, "test-notice")), Eventually);
        var request = await App.Provider.WaitForRequestAsync(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body.Contains(mine.TrimStart('+')), Eventually);
        Assert.Equal($"{template.Name}: Mara", Sent(System.Text.Json.JsonDocument.Parse(request.Body).RootElement));
        Assert.Empty(App.Provider.WhatsAppSendsTo(other));
        await using var db = await App.CreateDbContextAsync();
        var stored = db.Broadcasts.Single(b => b.Name == "Offer" && b.LastTestSentAt != null);
        Assert.Equal(BroadcastState.Draft, stored.State);
    }

    [Fact]
    public async Task TestSend_ToAnyContactFoundBySearch_OrSaysWhyThatContactWouldBeSkipped()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, a first look.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        var (ownName, unreachableName) = ($"Tester {Guid.NewGuid():N}"[..20], $"Mailonly {Guid.NewGuid():N}"[..20]);
        var ownPhone = TestData.NewGermanMobile();
        var own = await App.CustomerAsync(new(Phone: ownPhone, FirstName: ownName));   // not in the audience
        var unreachable = await App.CustomerAsync(new(Email: TestData.NewEmail(), FirstName: unreachableName));
        App.Provider.AcceptWhatsAppSends();
        var cut = await WizardAtAudienceAsync("First look", tag, "whatsapp");
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Next(cut, WizardStep.Send);
        WaitFor(cut, "cost-total");

        Type(cut, "test-contact-search", unreachableName);
        cut.WaitForElement($"[data-testid=test-contact][data-contact='{unreachable}'] [data-testid=test-contact-send]", Eventually).Click();
        cut.WaitForAssertion(() => Assert.Equal($"No test sent to {unreachableName}: The broadcast would skip this contact: unreachable.", TextOf(cut, "test-notice")), Eventually);

        Type(cut, "test-contact-search", ownName);
        cut.WaitForElement($"[data-testid=test-contact][data-contact='{own}'] [data-testid=test-contact-send]", Eventually).Click();
        cut.WaitForAssertion(() => Assert.Equal($"Test queued to {ownName} on WhatsApp.", TextOf(cut, "test-notice")), Eventually);
        var request = await App.Provider.WaitForRequestAsync(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body.Contains(ownPhone.TrimStart('+')), Eventually);
        Assert.Equal($"{template.Name}: {ownName}", Sent(System.Text.Json.JsonDocument.Parse(request.Body).RootElement));
    }

    [Fact]
    public async Task ScheduleLater_KeepsItScheduledForThatTime_WithItsQuietHours()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, tomorrow only.", TemplateCategory.Marketing);
        await App.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        var cut = await WizardAtAudienceAsync("Tomorrow only", tag, "whatsapp");
        Next(cut, WizardStep.Content);
        ChooseTemplate(cut, template.Name);
        Next(cut, WizardStep.Send);
        cut.WaitForAssertion(() => Assert.Equal("0.1365 USD", TextOf(cut, "cost-total")), Eventually);
        var start = App.Clock.GetUtcNow().UtcDateTime.Date.AddDays(2).AddHours(9);

        Click(cut, "schedule-later");
        Type(cut, "schedule-at", start.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Type(cut, "quiet-start", "21:00");
        Type(cut, "quiet-end", "08:00");
        Assert.Contains("Confirm 0.1365 USD and schedule", TextOf(cut, "schedule-confirm"));
        Click(cut, "schedule-confirm");

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        cut.WaitForAssertion(() => Assert.Matches("/broadcasts/[0-9a-f-]{36}$", navigation.Uri), Eventually);
        var stored = await StoredAsync(Guid.Parse(navigation.Uri[^36..]));
        Assert.Equal((BroadcastState.Scheduled, start), (stored.State, stored.ScheduledAt));
        Assert.Equal(new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0)), BroadcastDefinition.Parse(stored.Definition).QuietHours);
    }

    [Fact]
    public async Task EditingADraft_ShowsWhatItHolds_AndSavesTheChange()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await App.TemplateAsync("Hi {{1}}, back in stock.", TemplateCategory.Marketing);
        var id = await BroadcastAsync(tag, template, schedule: false);
        await SignInAsAdminAsync();
        var cut = Render<BroadcastWizardPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.Equal($"Broadcast {tag}", ValueOf(cut, "broadcast-name")), Eventually);

        Type(cut, "broadcast-name", "Back in stock");
        Next(cut, WizardStep.Audience);
        Assert.Equal(tag, ValueOf(cut, "broadcast-tags"));
        Next(cut, WizardStep.Content);
        Assert.Equal("Chosen", Row(cut, "template-option", "data-template", template.Name).QuerySelector("[data-testid=template-choose]")!.TextContent.Trim());
        Assert.Contains("Hi ‹contact.first_name | there›, back in stock.", TextOf(cut, "template-preview"));

        var stored = await StoredAsync(id);
        Assert.Equal(("Back in stock", BroadcastState.Draft), (stored.Name, stored.State));
    }

    /// <summary>The number in a count row's second cell.</summary>
    private static string Count(AngleSharp.Dom.IElement row) => row.QuerySelectorAll("td")[1].TextContent.Trim();

    /// <summary>The template the provider was asked to send and its body parameters' values: <c>name: value, value</c>.</summary>
    private static string Sent(System.Text.Json.JsonElement send)
    {
        var template = send.GetProperty("template");
        var values = template.GetProperty("components")[0].GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString());
        return $"{template.GetProperty("name").GetString()}: {string.Join(", ", values)}";
    }
}
