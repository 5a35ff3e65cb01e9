using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class TelegramWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task TextMessage_IsStoredPerChatWithTheUsersProfile()
    {
        var chatId = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();
        var sentAt = app.Clock.GetUtcNow().AddMinutes(-2);

        var response = await client.PostTelegramAsync(TelegramPayloads.Text(chatId, messageId, sentAt, "Hallo, ist mein Paket unterwegs?"), app.Secrets.TelegramSecretToken);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Channel == ChannelKind.Telegram && m.ExternalId == $"{chatId}:{messageId}");
        Assert.Equal("Hallo, ist mein Paket unterwegs?", message.Text);
        Assert.Equal(sentAt.ToUnixTimeSeconds(), new DateTimeOffset(message.SentAt, TimeSpan.Zero).ToUnixTimeSeconds());
        var contact = await db.Contacts.Include(c => c.Phones).Include(c => c.Identities).SingleAsync(c => c.Id == message.ContactId);
        var identity = contact.Identities.Single();
        Assert.Equal(chatId.ToString(System.Globalization.CultureInfo.InvariantCulture), identity.ExternalId);
        Assert.Equal("anna_example", identity.Handle);
        Assert.Equal("Anna Example", contact.DisplayName);
        Assert.Equal(("Anna", "Example"), (contact.FirstName, contact.LastName));
        Assert.Empty(contact.Phones);
    }

    [Fact]
    public async Task SharingTheirOwnContact_ProvesTheUsersPhone()
    {
        var chatId = TelegramPayloads.NewUserId();
        var phone = TestData.NewGermanMobile();
        var messageId = TelegramPayloads.NewMessageId();

        await client.PostTelegramAsync(TelegramPayloads.Contact(chatId, messageId, app.Clock.GetUtcNow(), phone.TrimStart('+'), contactUserId: chatId), app.Secrets.TelegramSecretToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == $"{chatId}:{messageId}");
        Assert.Equal(MessageKind.Contacts, message.Kind);
        var stored = await db.ContactPhones.SingleAsync(p => p.ContactId == message.ContactId);
        Assert.Equal(phone, stored.Number);
        Assert.True(stored.Verified);
    }

    [Fact]
    public async Task SharingSomeoneElsesContact_DoesNotGiveTheUserThatPhone()
    {
        var chatId = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();

        await client.PostTelegramAsync(TelegramPayloads.Contact(chatId, messageId, app.Clock.GetUtcNow(), TestData.NewGermanMobile(), contactUserId: chatId + 1), app.Secrets.TelegramSecretToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == $"{chatId}:{messageId}");
        Assert.Equal(MessageKind.Contacts, message.Kind);
        Assert.Contains("phone_number", message.Details);
        Assert.False(await db.ContactPhones.AnyAsync(p => p.ContactId == message.ContactId));
    }

    [Fact]
    public async Task Photo_KeepsTheLargestSizeAndTheCaption()
    {
        var chatId = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();
        var body = TelegramPayloads.Message(chatId, messageId, app.Clock.GetUtcNow(), """
            "photo": [
              { "file_id": "small-id", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1200 },
              { "file_id": "large-id", "file_unique_id": "l", "width": 1280, "height": 960, "file_size": 98000 }
            ],
            "caption": "the broken part"
            """);

        await client.PostTelegramAsync(body, app.Secrets.TelegramSecretToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == $"{chatId}:{messageId}");
        Assert.Equal(MessageKind.Image, message.Kind);
        Assert.Equal("the broken part", message.Text);
        Assert.Equal("large-id", JsonDocument.Parse(message.Details!).RootElement.GetProperty("file_id").GetString());
    }

    [Fact]
    public async Task WrongOrMissingSecretToken_Is401AndNothingIsStored()
    {
        var chatId = TelegramPayloads.NewUserId();
        var body = TelegramPayloads.Text(chatId, TelegramPayloads.NewMessageId(), app.Clock.GetUtcNow(), "forged");

        var wrong = await client.PostTelegramAsync(body, "guessed-secret");
        var missing = await client.PostTelegramAsync(body, secretToken: null);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId!.StartsWith($"{chatId}:")));
        Assert.False(await db.InboundEventBodies.AnyAsync(b => b.Payload == System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("{ not json", "")]
    [InlineData("[1,2,3]", "")]
    [InlineData("""{ "message": { "message_id": 1 } }""", "/update_id")]
    [InlineData("""{ "update_id": 1, "message": "hi" }""", "/message")]
    [InlineData("""{ "update_id": 1, "message": { "message_id": 1, "date": 1764072000 } }""", "/message/chat")]
    [InlineData("""{ "update_id": 1, "message": { "message_id": 1, "date": 1764072000, "chat": { "type": "private" } } }""", "/message/chat/id")]
    [InlineData("""{ "update_id": 1, "message": { "message_id": 1, "chat": { "id": 5, "type": "private" } } }""", "/message/date")]
    [InlineData("""{ "update_id": 1, "message": { "message_id": 1, "date": 99999999999999, "chat": { "id": 5, "type": "private" } } }""", "/message/date")]
    public async Task MalformedBody_Is400WithWhere(string body, string pointer)
    {
        var response = await client.PostTelegramAsync(body, app.Secrets.TelegramSecretToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task OtherUpdateKinds_AreAcknowledgedAndIgnored()
    {
        var chatId = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();
        var text = TelegramPayloads.Text(chatId, messageId, app.Clock.GetUtcNow(), "original");
        var edited = text.Replace("\"message\":", "\"edited_message\":", StringComparison.Ordinal);
        var callback = $$"""{ "update_id": {{messageId}}, "callback_query": { "id": "4382", "from": { "id": {{chatId}}, "is_bot": false, "first_name": "Anna" }, "data": "yes" } }""";
        var group = TelegramPayloads.Message(-100_000_000_000 - chatId, messageId, app.Clock.GetUtcNow(), "\"text\": \"hello group\"", fromId: chatId, chatType: "supergroup");

        foreach (var body in new[] { edited, callback, group })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostTelegramAsync(body, app.Secrets.TelegramSecretToken)).StatusCode);
        }

        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId!.EndsWith($":{messageId}")));
        Assert.Equal(0, await db.InboundEvents.CountAsync(e => e.Channel == ChannelKind.Telegram && e.State != Platform.Channels.Ingest.InboundEventState.Processed));
    }

    [Fact]
    public async Task SameUpdateTwice_StoresTheMessageOnce_ButTheSameIdInAnotherChatIsAnotherMessage()
    {
        var chatId = TelegramPayloads.NewUserId();
        var otherChatId = TelegramPayloads.NewUserId();
        var messageId = TelegramPayloads.NewMessageId();
        var body = TelegramPayloads.Text(chatId, messageId, app.Clock.GetUtcNow(), "hello");

        await client.PostTelegramAsync(body, app.Secrets.TelegramSecretToken);
        await client.PostTelegramAsync(body, app.Secrets.TelegramSecretToken);
        await client.PostTelegramAsync(TelegramPayloads.Text(otherChatId, messageId, app.Clock.GetUtcNow(), "hello"), app.Secrets.TelegramSecretToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == $"{chatId}:{messageId}"));
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == $"{otherChatId}:{messageId}"));
    }
}
