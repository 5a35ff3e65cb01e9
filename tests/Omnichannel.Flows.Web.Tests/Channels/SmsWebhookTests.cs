using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class SmsWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task TextMessage_IsStoredUnderTheSendersProvenPhone_AndAnsweredWithEmptyTwiml()
    {
        var phone = TestData.NewGermanMobile();
        var sid = $"SM{Guid.NewGuid():N}";
        var receivedAt = app.Clock.GetUtcNow();

        var response = await client.PostTwilioAsync("/webhooks/sms", SmsPayloads.Message(phone, sid, "Do you ship to Austria?"), app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<Response/>", await response.Content.ReadAsStringAsync());
        await using var db = await app.CreateDbContextAsync();
        var contact = await db.Contacts.Include(c => c.Phones).Include(c => c.Identities)
            .SingleAsync(c => c.Phones.Any(p => p.Number == phone));
        Assert.True(contact.Phones.Single().Verified);
        Assert.Equal(phone, contact.Identities.Single(i => i.Channel == ChannelKind.Sms).ExternalId);
        var message = await db.Messages.SingleAsync(m => m.ExternalId == sid);
        Assert.Equal(contact.Id, message.ContactId);
        Assert.Equal("Do you ship to Austria?", message.Text);
        Assert.Equal(MessageKind.Text, message.Kind);
        Assert.Equal(MessageDirection.Inbound, message.Direction);
        Assert.Equal(receivedAt.UtcDateTime, message.SentAt, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task MmsMessage_KeepsEveryMediaUrlAndType()
    {
        var sid = $"MM{Guid.NewGuid():N}";
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), sid, "the damaged box",
            ("https://api.twilio.com/2010-04-01/Accounts/ACtest/Messages/MM1/Media/ME1", "image/jpeg"),
            ("https://api.twilio.com/2010-04-01/Accounts/ACtest/Messages/MM1/Media/ME2", "application/pdf"));

        await client.PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == sid);
        Assert.Equal(MessageKind.Image, message.Kind);
        Assert.Equal("the damaged box", message.Text);
        var media = JsonDocument.Parse(message.Details!).RootElement.GetProperty("media").EnumerateArray().ToList();
        Assert.Equal(["image/jpeg", "application/pdf"], media.Select(m => m.GetProperty("contentType").GetString()));
        Assert.EndsWith("/Media/ME2", media[1].GetProperty("url").GetString());
    }

    [Fact]
    public async Task ForgedOrMissingSignature_Is401AndNothingIsStored()
    {
        var sid = $"SM{Guid.NewGuid():N}";
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), sid, "forged");

        var forged = await client.PostTwilioAsync("/webhooks/sms", form, "not-the-auth-token");
        var unsigned = await client.PostAsync("/webhooks/sms", new FormUrlEncodedContent(form));
        var tampered = new Dictionary<string, string>(form) { ["Body"] = "changed after signing" };
        var signedOther = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sms") { Content = new FormUrlEncodedContent(tampered) };
        signedOther.Headers.Add("X-Twilio-Signature", SmsPayloads.Sign(app.Secrets.TwilioAuthToken, TestSecrets.TwilioWebhookUrl + "/webhooks/sms", form));
        var changed = await client.SendAsync(signedOther);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, changed.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == sid));
        var stored = await db.InboundEvents.Where(e => e.Channel == ChannelKind.Sms).Select(e => e.Body!.Payload).ToListAsync();
        Assert.DoesNotContain(stored, payload => System.Text.Encoding.UTF8.GetString(payload).Contains(sid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignatureForTheInternalUrl_IsRefused_WhenAPublicWebhookUrlIsConfigured()
    {
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), $"SM{Guid.NewGuid():N}", "behind a proxy");

        var response = await client.PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken, publicBaseUrl: "http://localhost");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("MessageSid", null, "MessageSid")]
    [InlineData("From", null, "From")]
    [InlineData("NumMedia", "two", "NumMedia")]
    [InlineData("NumMedia", "1", "MediaUrl0")]
    public async Task MalformedBody_Is400WithWhere(string field, string? value, string pointer)
    {
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), $"SM{Guid.NewGuid():N}", "hello");
        if (value is null)
        {
            form.Remove(field);
        }
        else
        {
            form[field] = value;
        }

        var response = await client.PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
    }

    [Fact]
    public async Task SameDeliveryTwice_StoresTheMessageOnce()
    {
        var sid = $"SM{Guid.NewGuid():N}";
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), sid, "hello");
        var retriedWithMoreFields = new Dictionary<string, string>(form) { ["FromCity"] = "BERLIN" };

        Assert.Equal(HttpStatusCode.OK, (await client.PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostTwilioAsync("/webhooks/sms", retriedWithMoreFields, app.Secrets.TwilioAuthToken)).StatusCode);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == sid));
    }
}

/// <summary>Without <c>Channels:Sms:WebhookUrl</c>, Twilio's signature is checked against the URL the request itself arrived at.</summary>
public sealed class SmsWithoutPublicUrlTests(SmsWithoutPublicUrlTests.Factory app) : IClassFixture<SmsWithoutPublicUrlTests.Factory>
{
    public sealed class Factory : FlowsAppFactory
    {
        protected override void Configure(IDictionary<string, string?> settings) => settings.Remove("Channels:Sms:WebhookUrl");
    }

    [Fact]
    public async Task SignatureForTheRequestsOwnUrl_IsAccepted()
    {
        var sid = $"SM{Guid.NewGuid():N}";
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), sid, "no proxy here");

        var response = await app.CreateClient().PostTwilioAsync("/webhooks/sms?source=test", form, app.Secrets.TwilioAuthToken, publicBaseUrl: "http://localhost");
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.Messages.AnyAsync(m => m.ExternalId == sid));
    }

    [Fact]
    public async Task SignatureForAPublicUrl_IsRefused()
    {
        var form = SmsPayloads.Message(TestData.NewGermanMobile(), $"SM{Guid.NewGuid():N}", "claims a proxy");

        var response = await app.CreateClient().PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
