using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;
using static Omnichannel.Flows.Web.Tests.Components.Templates.TemplateTestSteps;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

public sealed class TemplatePickerTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Picker_OutsideTheWindow_ListsOnlyApprovedTemplatesEachWithItsPrice()
    {
        var utility = await App.TemplateAsync("Your parcel {{1}} is on its way.", TemplateCategory.Utility);
        var marketing = await App.TemplateAsync("{{1}}, our spring sale starts today.", TemplateCategory.Marketing);
        var pending = await App.TemplateAsync("Not reviewed yet {{1}}", TemplateCategory.Utility, TemplateStatus.Pending);
        var rejected = await App.TemplateAsync("Rejected {{1}}", TemplateCategory.Marketing, TemplateStatus.Rejected);
        var contactId = await App.CustomerAsync("Otto Outside", App.Clock.GetUtcNow().AddDays(-2));

        var picker = await RenderPickerAsync(contactId);

        picker.WaitForAssertion(() => Assert.Contains(utility.Name, Offered(picker)), Eventually);
        Assert.Contains(marketing.Name, Offered(picker));
        Assert.DoesNotContain(pending.Name, Offered(picker));
        Assert.DoesNotContain(rejected.Name, Offered(picker));
        Assert.Equal("0.055 USD", CostOf(picker, utility.Name));
        Assert.Equal("0.1365 USD", CostOf(picker, marketing.Name));
    }

    [Fact]
    public async Task Picker_InsideTheWindow_ShowsUtilityFreeAndMarketingCharged()
    {
        var utility = await App.TemplateAsync("Your code for order {{1}} is ready.", TemplateCategory.Utility);
        var marketing = await App.TemplateAsync("{{1}}, 10% off your next order.", TemplateCategory.Marketing);
        var contactId = await App.CustomerAsync("Iris Inside", App.Clock.GetUtcNow().AddHours(-1));

        var picker = await RenderPickerAsync(contactId);

        picker.WaitForAssertion(() => Assert.Equal("free", CostOf(picker, utility.Name)), Eventually);
        Assert.Equal("0.1365 USD", CostOf(picker, marketing.Name));
    }

    [Fact]
    public async Task Picker_CustomerOptedOutOfMarketing_OffersMarketingTemplatesNotAndSaysWhy()
    {
        var utility = await App.TemplateAsync("Your invoice {{1}} is ready.", TemplateCategory.Utility);
        var marketing = await App.TemplateAsync("{{1}}, our summer sale starts today.", TemplateCategory.Marketing);
        var contactId = await App.CustomerAsync("Mona Nomarketing", App.Clock.GetUtcNow().AddDays(-2));
        await using (var services = App.Services.CreateAsyncScope())
        {
            var (refusal, _) = await services.ServiceProvider.GetRequiredService<ConsentAdministration>()
                .RecordAsync(contactId, new RecordConsentRequest("whatsapp", "marketing", false, "asked by email"), null, "Seed", CancellationToken.None);
            Assert.Null(refusal);
        }

        var choices = new List<TemplateChoice?>();
        var picker = await RenderPickerAsync(contactId, choices.Add);
        picker.WaitForAssertion(() => Assert.Contains(marketing.Name, Offered(picker)), Eventually);

        var refused = picker.Find($"[data-testid=picker-template][data-template={marketing.Name}]");
        Assert.Contains("mud-list-item-disabled", refused.ClassName);
        Assert.StartsWith("The customer opted out of marketing messages on WhatsApp", refused.QuerySelector("[data-testid=picker-opted-out]")!.TextContent.Trim());
        var allowed = picker.Find($"[data-testid=picker-template][data-template={utility.Name}]");
        Assert.DoesNotContain("mud-list-item-disabled", allowed.ClassName);
        Assert.Null(allowed.QuerySelector("[data-testid=picker-opted-out]"));

        await allowed.ClickAsync(new());
        picker.WaitForElement("[data-testid=picker-selected]", Eventually);
    }

    [Fact]
    public async Task Picker_NamedPlaceholders_ArePrefilledFromTheProfileAndRenderThePreview()
    {
        var template = await App.TemplateAsync("Hi {{first_name}}, your {{plan}} plan renews on {{renewal_date}}.", TemplateCategory.Utility);
        var contactId = await App.CustomerAsync("Dora Renewal", App.Clock.GetUtcNow().AddDays(-3), firstName: "Dora",
            fields: new Dictionary<string, string> { ["plan"] = "Gold" });
        var choices = new List<TemplateChoice?>();
        var picker = await RenderPickerAsync(contactId, choices.Add);
        picker.WaitForAssertion(() => Assert.Contains(template.Name, Offered(picker)), Eventually);

        await picker.Find($"[data-testid=picker-template][data-template={template.Name}]").ClickAsync(new());

        picker.WaitForAssertion(() => Assert.Equal("Dora", picker.Find("#picker-param-first_name").GetAttribute("value")), Eventually);
        Assert.Equal("Gold", picker.Find("#picker-param-plan").GetAttribute("value"));
        Assert.Equal("", picker.Find("#picker-param-renewal_date").GetAttribute("value") ?? "");
        Assert.Equal("Hi Dora, your Gold plan renews on {{renewal_date}}.", picker.Find("[data-testid=picker-preview] .message-text").TextContent.Trim());
        Assert.Null(choices.LastOrDefault());
        Assert.Contains("0.055 USD", picker.Find("[data-testid=picker-cost]").TextContent);

        await picker.Find("#picker-param-renewal_date").InputAsync("1 March");

        picker.WaitForAssertion(() => Assert.Equal("Hi Dora, your Gold plan renews on 1 March.",
            picker.Find("[data-testid=picker-preview] .message-text").TextContent.Trim()), Eventually);
        var chosen = Assert.IsType<TemplateChoice>(choices.Last());
        Assert.Equal((template.Name, "en_US", "Hi Dora, your Gold plan renews on 1 March."), (chosen.Name, chosen.Language, chosen.Text));
        Assert.Equal(0.055m, chosen.Cost.Amount);
        var values = chosen.ParametersJson()!.Value;
        Assert.Equal("Dora", values.GetProperty("first_name").GetString());
        Assert.Equal("1 March", values.GetProperty("renewal_date").GetString());
    }

    private async Task<IRenderedComponent<TemplatePicker>> RenderPickerAsync(Guid contactId, Action<TemplateChoice?>? onChoice = null)
    {
        ChannelWindow window;
        using (var scope = App.Services.CreateScope())
        {
            window = (await scope.ServiceProvider.GetRequiredService<ContactChannelStates>().ForAsync(contactId, ChannelKind.WhatsApp, CancellationToken.None))!.Window;
        }

        return Render<TemplatePicker>(p => p
            .Add(x => x.Channel, ChannelKind.WhatsApp)
            .Add(x => x.ContactId, contactId)
            .Add(x => x.Window, window)
            .Add(x => x.ChoiceChanged, onChoice ?? (_ => { })));
    }

    private static List<string?> Offered(IRenderedComponent<TemplatePicker> picker) =>
        [.. picker.FindAll("[data-testid=picker-template]").Select(item => item.GetAttribute("data-template"))];

    private static string CostOf(IRenderedComponent<TemplatePicker> picker, string name) =>
        picker.Find($"[data-testid=picker-template][data-template={name}] [data-testid=cost-chip]").TextContent.Trim();
}
