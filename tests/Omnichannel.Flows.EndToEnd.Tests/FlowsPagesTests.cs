using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Omnichannel.Flows.EndToEnd.Tests;

/// <summary>The flows pages in chromium, as marketing ops use them: a flow file in, published, run for a customer, journal read.</summary>
public sealed class FlowsPagesTests(EndToEndHost host) : BrowserTest(host)
{
    [Fact]
    public async Task AFlowFile_IsImportedAndPublished_ThenStartedForACustomerFromItsRunsPage_AndItsJournalShowsEachStep()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var phone = $"+49152{Random.Shared.Next(10_000_000, 99_999_999)}";
        var name = $"Ada Callback {token}";
        await WhatsAppWebhooks.CustomerWroteAsync(Host.App, phone, name, "please call me back", DateTimeOffset.UtcNow.AddMinutes(-5));
        using var api = await AppApi.SignInAsync(Host.BaseUrl, EndToEndApp.AdminEmail, EndToEndApp.AdminPassword);
        var contactId = await api.WaitForContactByPhoneAsync(phone);
        var flowId = $"e2e-callback-{token}";
        var tag = $"callback-{token}";
        var file = Path.Combine(Path.GetTempPath(), $"{flowId}.json");
        await File.WriteAllTextAsync(file, CallbackFlow(flowId, tag).ToJsonString(), TestContext.Current.CancellationToken);

        var page = await OpenAsAdminAsync("flows", interactiveTestId: "flow-import-choose");
        await page.GetByTestId("flow-import-publish").CheckAsync();
        await page.GetByTestId("flow-import").Locator("input[type=file]").SetInputFilesAsync(file);
        await Expect(page.GetByTestId("flow-import-saved")).ToContainTextAsync($"{flowId} v1 imported and published");
        var row = page.GetByTestId("flow-row").Filter(new() { HasText = flowId });
        await Expect(row.GetByTestId("flow-version")).ToContainTextAsync("v1");
        await ScreenshotAsync(page, "flows-imported");

        await row.GetByTestId("flow-runs-link").ClickAsync();
        await Expect(page.GetByTestId("run-start-button")).ToBeEnabledAsync();
        await ChooseInAutocompleteAsync(page, page.GetByTestId("run-contact"), token, name);
        await Expect(page.GetByTestId("run-start-button")).ToHaveTextAsync($"Start for {name}");
        await page.GetByTestId("run-start-button").ClickAsync();

        var journal = page.GetByTestId("run-journal");
        await Expect(journal.GetByTestId("journal-step")).ToHaveCountAsync(3);
        await Expect(journal.GetByTestId("journal-outcome").Nth(1)).ToContainTextAsync("→ done");
        await Expect(page.GetByTestId("run-row").First.GetByTestId("run-status")).ToHaveTextAsync("Finished");
        await Expect(page.GetByTestId("run-row").First.GetByTestId("run-contact-link")).ToHaveTextAsync(name);
        await ScreenshotAsync(page, "flow-run-journal");
        var contact = await api.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}", TestContext.Current.CancellationToken);
        Assert.Contains(tag, contact.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    /// <summary>Manual start → tag the contact → end.</summary>
    private static JsonObject CallbackFlow(string id, string tag) => new()
    {
        ["schemaVersion"] = 1,
        ["id"] = id,
        ["name"] = $"Callback {id}",
        ["version"] = 1,
        ["nodes"] = new JsonArray(
            Node("start", "flow.manualTrigger", new JsonObject(), 0),
            Node("tag", "contact.addTag", new JsonObject { ["tag"] = tag }, 300),
            Node("end", "flow.end", new JsonObject(), 600)),
        ["connections"] = new JsonArray(Connection("start", "tag"), Connection("tag", "end")),
    };

    private static JsonObject Node(string id, string type, JsonObject inputs, int x) =>
        new() { ["id"] = id, ["type"] = type, ["inputs"] = inputs, ["position"] = new JsonObject { ["x"] = x, ["y"] = 0 } };

    private static JsonObject Connection(string from, string to) => new()
    {
        ["source"] = new JsonObject { ["node"] = from, ["port"] = "done" },
        ["target"] = new JsonObject { ["node"] = to, ["port"] = "in" },
    };
}
