using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Channels;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>Steps several tests take: a customer writes on WhatsApp, an agent replies through the API.</summary>
public static class ScenarioSteps
{
    /// <returns>The contact id the message landed on.</returns>
    public static async Task<Guid> CustomerWritesOnWhatsAppAsync(this FlowsAppFactory app, string phone, string text, DateTimeOffset? sentAt = null)
    {
        var body = WhatsAppPayloads.Text(phone.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", sentAt ?? app.Clock.GetUtcNow(), text);
        (await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactPhones.Where(p => p.Number == phone).Select(p => p.ContactId).SingleAsync();
    }

    /// <returns>The queued message's id.</returns>
    public static async Task<Guid> AgentRepliesAsync(this HttpClient admin, Guid contactId, string text, string? channel = null)
    {
        var response = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/messages", new { channel, text });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
