using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Bot API updates as Telegram posts them to a webhook (shapes from the Bot API docs, trimmed).</summary>
public static class TelegramPayloads
{
    private static int sequence = Random.Shared.Next(1_000, 100_000);

    /// <summary>A user id unique in this test run; a private chat has the user's id.</summary>
    public static long NewUserId() => 700_000_000 + Interlocked.Increment(ref sequence);

    public static int NewMessageId() => Interlocked.Increment(ref sequence);

    public static string Message(long chatId, int messageId, DateTimeOffset date, string contentJson, long? fromId = null, string chatType = "private") => $$"""
        {
          "update_id": {{Interlocked.Increment(ref sequence)}},
          "message": {
            "message_id": {{messageId}},
            "from": { "id": {{fromId ?? chatId}}, "is_bot": false, "first_name": "Anna", "last_name": "Example", "username": "anna_example", "language_code": "de" },
            "chat": { "id": {{chatId}}, "first_name": "Anna", "last_name": "Example", "username": "anna_example", "type": "{{chatType}}" },
            "date": {{date.ToUnixTimeSeconds()}},
            {{contentJson}}
          }
        }
        """;

    public static string Text(long chatId, int messageId, DateTimeOffset date, string text) =>
        Message(chatId, messageId, date, $"\"text\": {JsonSerializer.Serialize(text)}");

    public static string Contact(long chatId, int messageId, DateTimeOffset date, string phone, long contactUserId) =>
        Message(chatId, messageId, date, $$"""
            "contact": { "phone_number": "{{phone}}", "first_name": "Anna", "user_id": {{contactUserId}} }
            """);

    public static Task<HttpResponseMessage> PostTelegramAsync(this HttpClient client, string json, string? secretToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/telegram") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (secretToken is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secretToken);
        }

        return client.SendAsync(request);
    }

    /// <returns>The contact id the customer's private chat belongs to.</returns>
    public static async Task<Guid> CustomerWritesOnTelegramAsync(this FlowsAppFactory app, long chatId, string text)
    {
        var body = Text(chatId, NewMessageId(), app.Clock.GetUtcNow(), text);
        (await app.CreateClient().PostTelegramAsync(body, app.Secrets.TelegramSecretToken)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        var externalId = chatId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.ChannelIdentities.Where(i => i.ExternalId == externalId).Select(i => i.ContactId).SingleAsync();
    }
}
