using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

public sealed class BroadcastWizardTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task MarketingUser_WritesABroadcastInTheWizard_SeesItsCost_SendsIt_AndSeesItComplete()
    {
        var tag = $"e2e-{Guid.NewGuid():N}"[..20];
        var template = await SeedTemplateAsync("Hi {{1}}, the spring collection is here.");
        await SeedCustomerAsync("Anna", tag);
        await SeedCustomerAsync("Bert", tag);
        var email = $"marketing-{Guid.NewGuid():N}@e2e.local";
        using (var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword))
        {
            await admin.CreateUserAsync(email, "Marketing-Pa55word!", "Marketing");
        }

        var page = await OpenPageAsync();
        await SignInAsync(page, email, "Marketing-Pa55word!");
        // A click on a link while the page is still becoming interactive can be lost: check the links, then go to them.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Broadcasts" })).ToHaveAttributeAsync("href", "broadcasts");
        await page.GotoAsync("broadcasts");
        await Expect(page.GetByTestId("broadcast-new")).ToHaveAttributeAsync("href", "broadcasts/new");
        await page.GotoAsync("broadcasts/new");
        await Expect(page.GetByTestId("wizard-next")).ToBeEnabledAsync();

        await page.Locator("#broadcast-name").FillAsync("Spring collection");
        await page.GetByTestId("wizard-next").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/broadcasts/[0-9a-f-]{36}/edit$"));  // the draft is stored
        await page.Locator("#broadcast-tags").FillAsync(tag);
        await page.Locator("#broadcast-tags").PressAsync("Tab");
        await page.GetByTestId("channel-add-whatsapp").ClickAsync();
        await Expect(page.GetByTestId("reach-audience")).ToHaveTextAsync("2");
        await ScreenshotAsync(page, "broadcast-audience");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.Locator($"[data-testid=template-option][data-template='{template}']").GetByTestId("template-choose").ClickAsync();
        await Expect(page.GetByTestId("template-preview")).ToContainTextAsync("Hi ‹contact.first_name›, the spring collection is here.");
        await ScreenshotAsync(page, "broadcast-content");
        await page.GetByTestId("wizard-next").ClickAsync();

        await Expect(page.GetByTestId("cost-total")).ToHaveTextAsync("0.273 USD");
        await ScreenshotAsync(page, "broadcast-cost");
        await page.GetByTestId("schedule-confirm").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/broadcasts/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("broadcast-state")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("progress-sent")).ToHaveTextAsync("2 sent");
        await Expect(page.GetByTestId("progress-cost")).ToContainTextAsync("Confirmed 0.273 USD");
        await ScreenshotAsync(page, "broadcast-completed");
        await page.GotoAsync("broadcasts");
        await Expect(page.GetByTestId("broadcast-link").Filter(new() { HasText = "Spring collection" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "broadcast-list");
    }

    [Fact]
    public async Task Agent_IsRefusedTheBroadcastPages_AndHasNoLinkToThem()
    {
        var email = $"agent-{Guid.NewGuid():N}@e2e.local";
        using (var admin = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword))
        {
            await admin.CreateUserAsync(email, "Agent-Pa55word!", "Agent");
        }

        var page = await OpenPageAsync();
        await SignInAsync(page, email, "Agent-Pa55word!");
        await page.GotoAsync("broadcasts/new");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("wizard-next")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Broadcasts" })).ToHaveCountAsync(0);
    }

    /// <summary>An approved marketing template, as the catalog holds it after a sync.</summary>
    private async Task<string> SeedTemplateAsync(string body)
    {
        var now = DateTime.UtcNow;
        var template = new MessageTemplate
        {
            Name = $"spring_{Guid.NewGuid():N}"[..20],
            Language = "en_US",
            Category = TemplateCategory.Marketing,
            Status = TemplateStatus.Approved,
            BodyText = body,
            BodyParameters = TemplateParameters.PlaceholdersOf(body),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var scope = Host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        db.MessageTemplates.Add(template);
        await db.SaveChangesAsync();
        return template.Name;
    }

    /// <summary>A customer as an import leaves them: a German mobile with WhatsApp, tagged.</summary>
    private async Task SeedCustomerAsync(string firstName, string tag)
    {
        var now = DateTime.UtcNow;
        var phone = $"+49151{Random.Shared.Next(10_000_000, 99_999_999)}";
        var contact = new Contact { DisplayName = firstName, FirstName = firstName, CreatedAt = now, UpdatedAt = now };
        contact.Phones.Add(new ContactPhone { Number = phone, MatchKey = phone, Verified = true, AddedAt = now });
        contact.Identities.Add(new ChannelIdentity { Channel = ChannelKind.WhatsApp, ExternalId = phone.TrimStart('+'), CreatedAt = now, LastSeenAt = now });
        contact.Tags.Add(new ContactTag { Tag = tag, AddedAt = now });
        await using var scope = Host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
    }
}
