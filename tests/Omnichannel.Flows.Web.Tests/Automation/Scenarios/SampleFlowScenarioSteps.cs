using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.Scenarios;

/// <summary>The shipped sample flows as an admin imports them, and what the fake providers received.</summary>
public static class SampleFlowScenarioSteps
{
    public const string TwilioMessagesPath = "/2010-04-01/Accounts/ACtest/Messages.json";

    /// <summary>Imports and publishes <c>flows/<paramref name="fileName"/></c> through the API, as shipped.</summary>
    public static async Task ImportSampleAsync(this AutomationAppFactory app, string fileName)
    {
        using var admin = await app.CreateAdminClientAsync();
        await app.PublishAsync(admin, JsonNode.Parse(await File.ReadAllTextAsync(SampleFlowFiles.PathOf(fileName)))!.AsObject());
    }

    /// <summary>The SMS sends the fake Twilio received for <paramref name="phone"/>, as their form fields.</summary>
    public static List<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>> SmsSentTo(this FakeProviderServer provider, string phone) =>
        [.. provider.Requests.Where(r => r.Path == TwilioMessagesPath)
            .Select(r => QueryHelpers.ParseQuery(r.Body))
            .Where(form => form["To"] == phone)];

    /// <summary>The WhatsApp sends the fake Graph API received for <paramref name="phone"/> (any message type).</summary>
    public static List<System.Text.Json.JsonElement> WhatsAppSendsTo(this FakeProviderServer provider, string phone) =>
        [.. provider.Requests.Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal))
            .Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.TryGetProperty("to", out var to) && to.GetString() == phone.TrimStart('+'))];
}
