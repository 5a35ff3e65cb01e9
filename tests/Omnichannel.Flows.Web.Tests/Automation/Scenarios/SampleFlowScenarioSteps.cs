using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Scenarios;

/// <summary>The shipped sample flows as an admin imports them, and what the fake providers received.</summary>
public static class SampleFlowScenarioSteps
{
    /// <summary>Imports and publishes <c>flows/<paramref name="fileName"/></c> through the API, as shipped.</summary>
    public static async Task ImportSampleAsync(this AutomationAppFactory app, string fileName)
    {
        using var admin = await app.CreateAdminClientAsync();
        await app.PublishAsync(admin, JsonNode.Parse(await File.ReadAllTextAsync(SampleFlowFiles.PathOf(fileName)))!.AsObject());
    }

    /// <summary>The SMS sends the fake Twilio received for <paramref name="phone"/>, as their form fields.</summary>
    public static List<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>> SmsSentTo(this FakeProviderServer provider, string phone) =>
        [.. provider.Requests.Where(r => r.Path == FakeProviderServer.TwilioMessagesPath)
            .Select(r => QueryHelpers.ParseQuery(r.Body))
            .Where(form => form["To"] == phone)];
}
