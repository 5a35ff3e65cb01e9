using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Messenger and Instagram webhooks at the door: the handshake, signatures, malformed bodies, redeliveries, the simulator.</summary>
public sealed class MetaMessagingWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task Verification_WithConfiguredToken_EchoesTheChallenge(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);

        var response = await client.GetAsync($"{channel.WebhookPath}?hub.mode=subscribe&hub.verify_token={channel.VerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task Verification_WithWrongToken_IsForbidden(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);

        var wrongToken = await client.GetAsync($"{channel.WebhookPath}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");
        var otherChannelsToken = await client.GetAsync(
            $"{channel.WebhookPath}?hub.mode=subscribe&hub.verify_token={app.Secrets.WhatsAppVerifyToken}&hub.challenge=1");

        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherChannelsToken.StatusCode);
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task ForgedOrMissingSignature_Is401AndNothingIsStored(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var mid = MetaPayloads.NewMid();
        var body = MetaPayloads.Envelope(channel.EnvelopeObject, MetaPayloads.Text(MetaPayloads.NewScopedId(), mid, app.Clock.GetUtcNow(), "forged"));

        var forged = await client.PostMetaAsync(channel.WebhookPath, body, "not-the-app-secret");
        var otherChannelsSecret = await client.PostMetaAsync(channel.WebhookPath, body, app.Secrets.WhatsAppAppSecret);
        var unsigned = await client.PostAsync(channel.WebhookPath, new StringContent(body));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherChannelsSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == mid));
        Assert.False(await db.InboundEventBodies.AnyAsync(b => b.Payload == System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("messenger", "{ not json", "")]
    [InlineData("messenger", "[1,2,3]", "")]
    [InlineData("messenger", """{ "object": "instagram", "entry": [] }""", "/object")]
    [InlineData("messenger", """{ "object": "page", "entry": {} }""", "/entry")]
    [InlineData("instagram", """{ "object": "page", "entry": [] }""", "/object")]
    [InlineData("instagram", """{ "object": "instagram" }""", "/entry")]
    public async Task MalformedBody_Is400WithWhere(string name, string body, string pointer)
    {
        var channel = MetaChannelUnderTest.For(app, name);

        var response = await client.PostMetaAsync(channel.WebhookPath, body, channel.AppSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task ItemWithoutSender_IsKeptAsFailedSayingWhere()
    {
        var channel = MetaChannelUnderTest.For(app, "instagram");
        var mid = MetaPayloads.NewMid();
        var body = MetaPayloads.Envelope(channel.EnvelopeObject,
            MetaPayloads.Text(MetaPayloads.NewScopedId(), MetaPayloads.NewMid(), app.Clock.GetUtcNow(), "fine"),
            $$"""{ "recipient": { "id": "{{MetaPayloads.AccountId}}" }, "timestamp": 1764072000000, "message": { "mid": "{{mid}}", "text": "who?" } }""");

        var response = await client.PostMetaAsync(channel.WebhookPath, body, channel.AppSecret);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var delivery = await db.InboundEvents.SingleAsync(e => e.Body!.Payload == System.Text.Encoding.UTF8.GetBytes(body));
        Assert.Equal(InboundEventState.Failed, delivery.State);
        Assert.StartsWith("/entry/0/messaging/1/sender/id:", delivery.Error);
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == mid));
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task SameMessageDeliveredTwice_IsStoredOnce(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var mid = MetaPayloads.NewMid();
        var item = MetaPayloads.Text(customer, mid, app.Clock.GetUtcNow(), "hello");
        var sameMidOtherEnvelope = MetaPayloads.Text(customer, mid, app.Clock.GetUtcNow().AddSeconds(1), "hello (redelivered)");

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(client, item)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(client, item)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(client, sameMidOtherEnvelope)).StatusCode);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.Channel == channel.Channel && m.ExternalId == mid));
    }

    [Fact]
    public async Task UnknownItemKinds_AreSkippedAndTheRestIsStored()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        var mid = MetaPayloads.NewMid();
        var now = app.Clock.GetUtcNow();

        var response = await channel.PostAsync(client,
            MetaPayloads.FromCustomer(customer, now, """ "optin": { "type": "notification_messages", "payload": "x" } """),
            MetaPayloads.FromCustomer(customer, now, """ "pass_thread_control": { "new_owner_app_id": "123" } """),
            MetaPayloads.Text(customer, mid, now, "after the opt-in"));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == mid);
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ContactId == message.ContactId));
        Assert.Equal(InboundEventState.Processed, (await db.InboundEvents.SingleAsync(e => e.Id == message.InboundEventId)).State);
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task Simulator_PostsASignedWebhookThatLandsInTheThread(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var simulator = app.Services.GetServices<IChannelSimulator>().Single(s => s.Channel == channel.Channel);
        var simulated = new SimulatedMessage(MetaPayloads.NewScopedId(), "Hello from the simulator");

        var result = await simulator.SendAsync(app.CreateClient(), simulated, CancellationToken.None);
        await app.WaitForInboundProcessingAsync();

        Assert.True(result.Accepted, result.Detail);
        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == channel.Channel && i.ExternalId == simulator.ExternalIdOf(simulated));
        var message = await db.Messages.SingleAsync(m => m.ContactId == identity.ContactId);
        Assert.Equal("Hello from the simulator", message.Text);
    }
}
