using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using Omnichannel.Flows.Platform.Templates;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class TemplateReplyTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task Agent_CustomerWhoseWhatsAppWindowClosed_SendsAnApprovedTemplateAtTheShownCost()
    {
        var phone = $"+49151{Random.Shared.Next(10_000_000, 99_999_999)}";
        var template = await TemplateSeeds.ApprovedAsync(Host.App, $"order_shipped_{Guid.NewGuid():N}"[..24],
            "Hi {{1}}, your order {{2}} has shipped.", TemplateCategory.Utility);
        await WhatsAppWebhooks.CustomerWroteAsync(Host.App, phone, "Clara Closed", "Where is my order?", DateTimeOffset.UtcNow.AddHours(-25));
        var agentEmail = $"agent-{Guid.NewGuid():N}@e2e.local";
        using (var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword))
        {
            await admin.WaitForContactByPhoneAsync(phone);
            await admin.CreateUserAsync(agentEmail, "Agent-Pa55word!", "Agent");
        }

        var page = await OpenPageAsync();
        await SignInAsync(page, agentEmail, "Agent-Pa55word!");
        await page.GotoAsync("contacts");
        // The list loads once the circuit is up; typing before would be lost to the interactive render.
        await Expect(page.GetByTestId("contact-link").First).ToBeVisibleAsync();
        await page.GetByTestId("contacts-search").FillAsync(phone);
        await page.GetByTestId("contact-link").Filter(new() { HasText = "Clara Closed" }).ClickAsync();

        await Expect(page.GetByTestId("reply-window")).ToContainTextAsync("Window closed since");
        await Expect(page.GetByTestId("reply-text-disabled")).ToContainTextAsync("Only an approved template can be sent now.");
        await Expect(page.GetByTestId("reply-text")).ToHaveCountAsync(0);
        var offered = page.Locator($"[data-testid=picker-template][data-template={template.Name}]");
        await Expect(offered.GetByTestId("cost-chip")).ToHaveTextAsync("0.055 USD");

        await offered.ClickAsync();
        await page.Locator("#picker-param-1").FillAsync("Clara");
        await page.Locator("#picker-param-2").FillAsync("1042");
        await Expect(page.GetByTestId("picker-preview")).ToContainTextAsync("Hi Clara, your order 1042 has shipped.");
        await Expect(page.GetByTestId("picker-cost")).ToContainTextAsync("Costs 0.055 USD");
        var send = page.GetByTestId("reply-send-template");
        await Expect(send).ToHaveTextAsync("Send template · 0.055 USD");
        await Expect(send).ToBeEnabledAsync();
        await Expect(page.GetByTestId("picker-selected").Locator(".mud-input-error")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "reply-template-picker");
        await send.ClickAsync();

        var bubble = page.GetByTestId("message").Filter(new() { HasText = "Hi Clara, your order 1042 has shipped." });
        await Expect(bubble.GetByTestId("message-template")).ToHaveTextAsync($"{template.Name} · utility");
        await Expect(bubble.GetByTestId("message-cost")).ToHaveTextAsync("≈ 0.055 USD (estimate)");
        await Expect(bubble.GetByTestId("message-status")).ToContainTextAsync("sent");
        await ScreenshotAsync(page, "reply-template-sent");
    }
}
