using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using Omnichannel.Flows.Platform.Templates;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class TemplatesPageTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task TemplatesPage_AdminPreviewsATemplateForACustomer_SeesTheTextAndItsCost()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var phone = $"+49151{Random.Shared.Next(10_000_000, 99_999_999)}";
        var template = await TemplateSeeds.ApprovedAsync(Host.App, $"parcel_left_{token}", "Hi {{1}}, parcel {{2}} left our warehouse.", TemplateCategory.Utility);
        await TemplateSeeds.ApprovedAsync(Host.App, $"paket_{token}", "Hallo {{1}}, Ihr Paket ist unterwegs.", TemplateCategory.Utility, language: "de");
        // Not found by the search: two rows mean the search has been applied.
        await TemplateSeeds.ApprovedAsync(Host.App, $"spring_sale_{Guid.NewGuid():N}"[..20], "Spring sale!", TemplateCategory.Marketing);
        await WhatsAppWebhooks.CustomerWroteAsync(Host.App, phone, $"Tom Preview {token}", "hi", DateTimeOffset.UtcNow.AddHours(-30));
        using (var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword))
        {
            await admin.WaitForContactByPhoneAsync(phone);
        }

        var page = await OpenAsAdminAsync("templates", interactiveTestId: "template-new");
        await Expect(page.GetByTestId("template-name").First).ToBeVisibleAsync();
        await page.GetByTestId("templates-search").FillAsync(token);
        await Expect(page.GetByTestId("template-name")).ToHaveCountAsync(2);
        await page.GetByTestId("template-name").Filter(new() { HasText = template.Name }).ClickAsync();
        await ScreenshotAsync(page, "templates-list");

        var preview = page.GetByTestId("template-preview");
        await preview.Locator("#preview-sample-1").FillAsync("Tom");
        await preview.Locator("#preview-sample-2").FillAsync("P-7");
        await Expect(preview.GetByTestId("preview-rendered")).ToHaveTextAsync("Hi Tom, parcel P-7 left our warehouse.");
        await ChooseInAutocompleteAsync(page, preview.GetByTestId("preview-contact"), token, $"Tom Preview {token}");

        await Expect(preview.GetByTestId("cost-market")).ToHaveTextAsync("Germany");
        await Expect(preview.GetByTestId("cost-amount")).ToHaveTextAsync("0.055 USD");
        await Expect(preview.GetByTestId("cost-free")).ToHaveTextAsync("no");
        await ScreenshotAsync(page, "templates-preview");
    }

    [Fact]
    public async Task NewTemplate_WithABadName_ShowsTheErrorNextToTheName()
    {
        var page = await OpenAsAdminAsync("templates", interactiveTestId: "template-new");

        await page.GetByTestId("template-new").ClickAsync();
        await page.Locator("#new-template-name").FillAsync("Order Update");
        await page.Locator("#new-template-body").FillAsync("Hi {{1}}, your order is ready.");
        await page.Locator("#new-template-sample-1").FillAsync("Anna");
        await page.GetByTestId("new-template-submit").ClickAsync();

        var nameField = page.Locator(".mud-input-control").Filter(new() { Has = page.Locator("#new-template-name") });
        await Expect(nameField).ToContainTextAsync("lower-case letters, digits and underscores");
        await Expect(page.GetByTestId("new-template-dialog")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "templates-new-invalid");
    }
}
