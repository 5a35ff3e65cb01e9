using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class WhatsAppWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Verification_WithConfiguredToken_EchoesTheChallenge()
    {
        var response = await client.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={app.Secrets.WhatsAppVerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Verification_WithWrongToken_IsForbidden()
    {
        var response = await client.GetAsync("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TextMessage_IsStoredUnderOneProfileWithTheSendersPhone()
    {
        var phone = TestData.NewGermanMobile();
        var sentAt = app.Clock.GetUtcNow().AddMinutes(-3);
        var body = WhatsAppPayloads.Text(phone.TrimStart('+'), $"wamid.{Guid.NewGuid():N}", sentAt, "Is my order shipped?");

        var response = await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var contact = await db.Contacts.Include(c => c.Phones).Include(c => c.Identities)
            .SingleAsync(c => c.Phones.Any(p => p.Number == phone));
        Assert.Equal("Anna Example", contact.DisplayName);
        Assert.True(contact.Phones.Single().Verified);
        Assert.Equal(phone.TrimStart('+'), contact.Identities.Single(i => i.Channel == ChannelKind.WhatsApp).ExternalId);
        var message = await db.Messages.SingleAsync(m => m.ContactId == contact.Id);
        Assert.Equal("Is my order shipped?", message.Text);
        Assert.Equal(MessageDirection.Inbound, message.Direction);
        Assert.Equal(sentAt.ToUnixTimeSeconds(), new DateTimeOffset(message.SentAt).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task SameDeliveryTwice_StoresTheMessageOnce()
    {
        var phone = TestData.NewGermanMobile().TrimStart('+');
        var id = $"wamid.{Guid.NewGuid():N}";
        var body = WhatsAppPayloads.Text(phone, id, app.Clock.GetUtcNow(), "hello");
        var sameIdOtherBody = WhatsAppPayloads.Text(phone, id, app.Clock.GetUtcNow(), "hello again (retried with another envelope)");

        Assert.Equal(HttpStatusCode.OK, (await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostMetaAsync("/webhooks/whatsapp", sameIdOtherBody, app.Secrets.WhatsAppAppSecret)).StatusCode);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == id));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
        Assert.Equal(1, await db.InboundEvents.CountAsync(e => e.DedupeKey == hash));
    }

    [Fact]
    public async Task ForgedSignature_Is401AndNothingIsStored()
    {
        var id = $"wamid.{Guid.NewGuid():N}";
        var body = WhatsAppPayloads.Text("4915199999999", id, app.Clock.GetUtcNow(), "forged");

        var forged = await client.PostMetaAsync("/webhooks/whatsapp", body, "not-the-app-secret");
        var unsigned = await client.PostAsync("/webhooks/whatsapp", new StringContent(body));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == id));
        Assert.False(await db.InboundEventBodies.AnyAsync(b => b.Payload == System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("{ not json", "")]
    [InlineData("[1,2,3]", "")]
    [InlineData("""{ "object": "page", "entry": [] }""", "/object")]
    [InlineData("""{ "object": "whatsapp_business_account", "entry": {} }""", "/entry")]
    public async Task MalformedBody_Is400WithWhere(string body, string pointer)
    {
        var response = await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task UnknownMessageType_IsKeptAsUnsupportedWithItsRawJson()
    {
        var id = $"wamid.{Guid.NewGuid():N}";
        var body = WhatsAppPayloads.Message(TestData.NewGermanMobile().TrimStart('+'), id, app.Clock.GetUtcNow(),
            """ "type": "hologram", "hologram": { "depth": 3 } """);

        await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == id);
        Assert.Equal(MessageKind.Unsupported, message.Kind);
        Assert.Contains("hologram", message.Details);
    }

    [Fact]
    public async Task ImageMessage_KeepsMediaIdAndCaption()
    {
        var id = $"wamid.{Guid.NewGuid():N}";
        var body = WhatsAppPayloads.Message(TestData.NewGermanMobile().TrimStart('+'), id, app.Clock.GetUtcNow(),
            """ "type": "image", "image": { "id": "1234567890", "mime_type": "image/jpeg", "sha256": "abc", "caption": "the broken part" } """);

        await client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == id);
        Assert.Equal(MessageKind.Image, message.Kind);
        Assert.Equal("the broken part", message.Text);
        Assert.Equal("1234567890", JsonDocument.Parse(message.Details!).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task DeliveriesArrivingWhileEarlierOnesAreProcessed_AreEachAcknowledgedAndStoredOnce()
    {
        // Webhooks keep arriving in bursts while the background processor works through the earlier ones, so the
        // webhook writer and the processor take turns at the database the whole time.
        var senders = Enumerable.Range(0, 8).Select(_ => TestData.NewGermanMobile().TrimStart('+')).ToList();
        var ids = new List<string>();
        for (var burst = 0; burst < 6; burst++)
        {
            var posts = Enumerable.Range(0, 25).Select(n =>
            {
                var id = $"wamid.{Guid.NewGuid():N}";
                ids.Add(id);
                var body = WhatsAppPayloads.Text(senders[n % senders.Count], id, app.Clock.GetUtcNow(), $"burst {burst}, message {n}");
                return client.PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);
            }).ToList();

            var responses = await Task.WhenAll(posts);
            Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        }

        await app.WaitForInboundProcessingAsync(TimeSpan.FromSeconds(60));

        await using var db = await app.CreateDbContextAsync();
        var stored = await db.Messages.Where(m => ids.Contains(m.ExternalId!)).Select(m => m.ExternalId).ToListAsync();
        Assert.Equal(ids.Order(), stored.Order());
    }
}
