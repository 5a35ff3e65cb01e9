using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>
/// Business Messaging webhooks as TikTok posts them: an envelope whose <c>content</c> is a JSON string, signed with
/// <c>Tiktok-Signature: t=…,s=hex(HMAC-SHA256(client secret, "t.body"))</c> (written from TikTok's docs, not from our code).
/// </summary>
public static class TikTokPayloads
{
    public static string NewConversationId() => $"conv-{Guid.NewGuid():N}";

    public static string Event(string kind, object content, string business = TestSecrets.TikTokBusinessId) => JsonSerializer.Serialize(new
    {
        client_key = "aw-test-client",
        @event = kind,
        create_time = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        user_openid = business,
        content = JsonSerializer.Serialize(content),
    });

    public static object Content(string conversationId, string messageId, DateTimeOffset sentAt, string type, object part, string from = "anna.example") =>
        new Dictionary<string, object>
        {
            ["conversation_id"] = conversationId,
            ["message_id"] = messageId,
            ["timestamp"] = sentAt.ToUnixTimeMilliseconds(),
            ["type"] = type,
            [type] = part,
            ["from"] = from,
            ["from_user"] = new { id = $"user-{conversationId}" },
            ["to"] = "the_shop",
            ["to_user"] = new { id = TestSecrets.TikTokBusinessId },
        };

    public static string Text(string conversationId, string messageId, DateTimeOffset sentAt, string text) =>
        Event("im_receive_msg", Content(conversationId, messageId, sentAt, "text", new { body = text }));

    public static Task<HttpResponseMessage> PostTikTokAsync(this HttpClient client, string json, string clientSecret, DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes($"{timestamp}.{json}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tiktok") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Tiktok-Signature", $"t={timestamp},s={signature}");
        return client.SendAsync(request);
    }

    /// <returns>The contact id the conversation belongs to.</returns>
    public static async Task<Guid> CustomerWritesOnTikTokAsync(this FlowsAppFactory app, string conversationId, string text)
    {
        var body = Text(conversationId, $"msg-{Guid.NewGuid():N}", app.Clock.GetUtcNow(), text);
        (await app.CreateClient().PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        return await db.ChannelIdentities.Where(i => i.ExternalId == conversationId).Select(i => i.ContactId).SingleAsync();
    }
}
