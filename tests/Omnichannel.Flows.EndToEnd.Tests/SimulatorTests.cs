using Microsoft.Playwright;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class SimulatorTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task CustomerWritesOnWhatsApp_ProfileAppears_AndTheAgentsSandboxReplyArrivesAsReceived()
    {
        var phone = $"+49151{Random.Shared.Next(10_000_000, 99_999_999)}";
        var page = await OpenAsAdminAsync("simulator", interactiveTestId: "sim-send");

        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.GetByLabel("Display name").FillAsync("Jana Kunde");
        await page.GetByLabel("Message").FillAsync("Hello, is my order on its way?");
        await page.GetByTestId("sim-send").ClickAsync();

        await Expect(page.GetByTestId("sim-webhook-answer")).ToContainTextAsync("answered 200");
        await Expect(page.GetByTestId("sim-profile-name")).ToHaveTextAsync("Jana Kunde");
        await Expect(page.GetByTestId("sim-profile")).ToContainTextAsync(phone);
        var sent = page.GetByTestId("sim-message").Filter(new() { HasText = "Hello, is my order on its way?" });
        await Expect(sent.GetByTestId("sim-message-side")).ToHaveTextAsync("sent");

        using var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword);
        var contactId = await admin.ContactIdByPhoneAsync(phone);
        await admin.ReplyAsync(contactId, "Yes, it arrives tomorrow.");

        var reply = page.GetByTestId("sim-message").Filter(new() { HasText = "Yes, it arrives tomorrow." });
        await Expect(reply.GetByTestId("sim-message-side")).ToHaveTextAsync("received (sandbox)");
        await ScreenshotAsync(page, "simulator");
    }
}
