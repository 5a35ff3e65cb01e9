using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class TikTokWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task ReceivedMessage_IsStoredUnderTheConversation()
    {
        var conversation = TikTokPayloads.NewConversationId();
        var id = $"msg-{Guid.NewGuid():N}";
        var sentAt = app.Clock.GetUtcNow().AddMinutes(-1);

        var response = await client.PostTikTokAsync(TikTokPayloads.Text(conversation, id, sentAt, "Is this jacket available in M?"), app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow());
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Channel == ChannelKind.TikTok && m.ExternalId == id);
        Assert.Equal("Is this jacket available in M?", message.Text);
        Assert.Equal(sentAt.ToUnixTimeMilliseconds(), new DateTimeOffset(message.SentAt, TimeSpan.Zero).ToUnixTimeMilliseconds());
        var contact = await db.Contacts.Include(c => c.Identities).SingleAsync(c => c.Id == message.ContactId);
        Assert.Equal(conversation, contact.Identities.Single().ExternalId);
        Assert.Equal("anna.example", contact.Identities.Single().Handle);
        Assert.Equal("anna.example", contact.DisplayName);
    }

    [Fact]
    public async Task ImageMessage_KeepsTheMediaId()
    {
        var id = $"msg-{Guid.NewGuid():N}";
        var body = TikTokPayloads.Event("im_receive_msg",
            TikTokPayloads.Content(TikTokPayloads.NewConversationId(), id, app.Clock.GetUtcNow(), "image", new { media_id = "v0f025gc0000abc" }));

        await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow());
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == id);
        Assert.Equal(MessageKind.Image, message.Kind);
        Assert.Equal("v0f025gc0000abc", JsonDocument.Parse(message.Details!).RootElement.GetProperty("media_id").GetString());
    }

    [Fact]
    public async Task ForgedOrMissingSignature_Is401AndNothingIsStored()
    {
        var id = $"msg-{Guid.NewGuid():N}";
        var body = TikTokPayloads.Text(TikTokPayloads.NewConversationId(), id, app.Clock.GetUtcNow(), "forged");

        var forged = await client.PostTikTokAsync(body, "not-the-client-secret", app.Clock.GetUtcNow());
        var unsigned = await client.PostAsync("/webhooks/tiktok", new StringContent(body));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == id));
        Assert.False(await db.InboundEventBodies.AnyAsync(b => b.Payload == System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task StaleTimestamp_Is401EvenWhenTheSignatureIsRight()
    {
        var id = $"msg-{Guid.NewGuid():N}";
        var body = TikTokPayloads.Text(TikTokPayloads.NewConversationId(), id, app.Clock.GetUtcNow(), "replayed");

        var stale = await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow().AddMinutes(-6));
        var fresh = await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow().AddMinutes(-4));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("replay", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Theory]
    [InlineData("{ not json", "")]
    [InlineData("[1,2,3]", "")]
    [InlineData("""{ "content": "{}" }""", "/event")]
    [InlineData("""{ "event": "im_receive_msg", "content": { "conversation_id": "c1" } }""", "/content")]
    [InlineData("""{ "event": "im_receive_msg", "content": "not json" }""", "/content")]
    [InlineData("""{ "event": "im_receive_msg", "content": "{\"message_id\":\"m1\",\"timestamp\":1764072000000}" }""", "/content/conversation_id")]
    [InlineData("""{ "event": "im_receive_msg", "content": "{\"conversation_id\":\"c1\",\"message_id\":\"m1\",\"timestamp\":\"soon\"}" }""", "/content/timestamp")]
    [InlineData("""{ "event": "im_receive_msg", "content": "{\"conversation_id\":\"c1\",\"message_id\":\"m1\",\"timestamp\":-99999999999999999}" }""", "/content/timestamp")]
    public async Task MalformedBody_Is400WithWhere(string body, string pointer)
    {
        var response = await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task OtherEvents_AndOtherBusinessAccounts_AreAcknowledgedAndIgnored()
    {
        var conversation = TikTokPayloads.NewConversationId();
        var id = $"msg-{Guid.NewGuid():N}";
        var content = TikTokPayloads.Content(conversation, id, app.Clock.GetUtcNow(), "text", new { body = "hello" });
        string[] bodies =
        [
            TikTokPayloads.Event("im_send_msg", content),
            TikTokPayloads.Event("im_mark_read_msg", new { conversation_id = conversation, read_time = 1764072000000 }),
            TikTokPayloads.Event("post.publish.complete", new { publish_id = "p-1" }),
            TikTokPayloads.Event("im_receive_msg", content, business: "another-business"),
        ];

        foreach (var body in bodies)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow())).StatusCode);
        }

        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == id));
        Assert.False(await db.ChannelIdentities.AnyAsync(i => i.ExternalId == conversation));
    }

    [Fact]
    public async Task SameEventTwice_StoresTheMessageOnce()
    {
        var id = $"msg-{Guid.NewGuid():N}";
        var body = TikTokPayloads.Text(TikTokPayloads.NewConversationId(), id, app.Clock.GetUtcNow(), "hello");

        Assert.Equal(HttpStatusCode.OK, (await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostTikTokAsync(body, app.Secrets.TikTokClientSecret, app.Clock.GetUtcNow().AddSeconds(-30))).StatusCode);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == id));
    }
}
