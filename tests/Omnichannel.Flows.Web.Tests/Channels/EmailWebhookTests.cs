using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class EmailWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    private string Key => app.Secrets.EmailSigningKey;

    [Fact]
    public async Task SignedForm_IsStoredWithTheProvenSenderSubjectAndThreadIds()
    {
        var email = TestData.NewEmail();
        var messageId = EmailWebhooks.NewMessageId();
        var fields = EmailWebhooks.Mail(email.ToUpperInvariant(), messageId, "Where is my parcel?", extra: new Dictionary<string, string>
        {
            ["In-Reply-To"] = "<parent-1@flows.test>",
            ["References"] = "<root-1@flows.test>\r\n <parent-1@flows.test>",
            ["Date"] = "Tue, 25 Nov 2025 10:00:00 +0100",
        }).Signed(Key, app.Clock.GetUtcNow());

        var response = await client.PostEmailFormAsync(fields);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var contact = await db.Contacts.Include(c => c.Emails).Include(c => c.Identities).SingleAsync(c => c.Emails.Any(e => e.Address == email));
        Assert.Equal("Anna Example", contact.DisplayName);
        Assert.True(contact.Emails.Single().Verified);
        Assert.Equal(email, contact.Identities.Single(i => i.Channel == ChannelKind.Email).ExternalId);
        var message = await db.Messages.SingleAsync(m => m.ContactId == contact.Id);
        Assert.Equal(MessageKind.Email, message.Kind);
        Assert.Equal("Where is my parcel?", message.Text);
        Assert.Equal("Order 1042", message.EmailSubject);
        Assert.Equal(messageId, message.ExternalId);
        Assert.Equal(messageId, message.EmailMessageId);
        Assert.Equal("<parent-1@flows.test>", message.EmailInReplyTo);
        Assert.Equal(new DateTime(2025, 11, 25, 9, 0, 0, DateTimeKind.Utc), message.SentAt);
        Assert.Null(message.Details);
    }

    [Fact]
    public async Task SignedMultipart_IsStoredWithAttachmentsAsMetadata()
    {
        var email = TestData.NewEmail();
        var messageId = EmailWebhooks.NewMessageId();
        var fields = EmailWebhooks.Mail(email, messageId, "Invoice attached, it's wrong — €12 too much.").Signed(Key, app.Clock.GetUtcNow());
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4 fake invoice");

        var response = await client.PostEmailMultipartAsync(fields, ("invoice.pdf", "application/pdf", pdf), ("photo.jpg", "image/jpeg", new byte[2048]));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.ExternalId == messageId);
        Assert.Equal("Invoice attached, it's wrong — €12 too much.", message.Text);
        var attachments = JsonDocument.Parse(message.Details!).RootElement.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["invoice.pdf", "photo.jpg"], attachments.Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["application/pdf", "image/jpeg"], attachments.Select(a => a.GetProperty("type").GetString()));
        Assert.Equal([pdf.Length, 2048], attachments.Select(a => a.GetProperty("size").GetInt64()));
        Assert.True(await db.ContactEmails.AnyAsync(e => e.Address == email && e.Verified && e.ContactId == message.ContactId));
    }

    [Fact]
    public async Task HtmlOnlyMail_KeepsMarkupOutOfTheText()
    {
        var messageId = EmailWebhooks.NewMessageId();
        var fields = EmailWebhooks.Mail(TestData.NewEmail(), messageId, "unused").Signed(Key, app.Clock.GetUtcNow());
        fields.Remove("stripped-text");
        fields.Remove("body-plain");
        fields["body-html"] = "<html><head><style>p { color: red }</style></head><body><p>Hello <b>team</b> &amp; co</p><p>Second line</p></body></html>";

        await client.PostEmailFormAsync(fields);
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal("Hello team & co\nSecond line", (await db.Messages.SingleAsync(m => m.ExternalId == messageId)).Text);
    }

    [Fact]
    public async Task SameMessageIdInTwoDeliveries_IsStoredOnce()
    {
        var email = TestData.NewEmail();
        var messageId = EmailWebhooks.NewMessageId();

        var first = await client.PostEmailFormAsync(EmailWebhooks.Mail(email, messageId, "hello").Signed(Key, app.Clock.GetUtcNow()));
        var again = await client.PostEmailFormAsync(EmailWebhooks.Mail(email, messageId, "hello").Signed(Key, app.Clock.GetUtcNow()));
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync(m => m.ExternalId == messageId));
    }

    [Fact]
    public async Task ForgedSignature_Is401AndNothingIsStored()
    {
        var messageId = EmailWebhooks.NewMessageId();
        var forged = EmailWebhooks.Mail(TestData.NewEmail(), messageId, "forged").Signed("not-the-signing-key", app.Clock.GetUtcNow());
        var unsigned = EmailWebhooks.Mail(TestData.NewEmail(), messageId, "unsigned");

        var forgedResponse = await client.PostEmailFormAsync(forged);
        var unsignedResponse = await client.PostEmailFormAsync(unsigned);

        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedResponse.StatusCode);
        Assert.Equal("application/problem+json", forgedResponse.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(messageId);
    }

    [Fact]
    public async Task StaleTimestamp_Is401AndNothingIsStored()
    {
        var messageId = EmailWebhooks.NewMessageId();
        var fields = EmailWebhooks.Mail(TestData.NewEmail(), messageId, "old").Signed(Key, app.Clock.GetUtcNow().AddMinutes(-11));

        var response = await client.PostEmailFormAsync(fields);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("timestamp", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        await AssertNothingStoredAsync(messageId);
    }

    [Fact]
    public async Task ReusedToken_WithAnotherBody_Is401AndNothingIsStored()
    {
        var email = TestData.NewEmail();
        var original = EmailWebhooks.Mail(email, EmailWebhooks.NewMessageId(), "genuine").Signed(Key, app.Clock.GetUtcNow());
        var replayedId = EmailWebhooks.NewMessageId();
        var replayed = EmailWebhooks.Mail(email, replayedId, "Please refund me to this account: …");
        foreach (var signed in new[] { "timestamp", "token", "signature" })
        {
            replayed[signed] = original[signed];
        }

        var first = await client.PostEmailFormAsync(original);
        var replay = await client.PostEmailFormAsync(replayed);
        await app.WaitForInboundProcessingAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("application/problem+json", replay.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(replayedId);
    }

    [Fact]
    public async Task UsedToken_IsRememberedUntilItsTimestampIsStale_ThenTrimmedByTheRetentionJob()
    {
        var fields = EmailWebhooks.Mail(TestData.NewEmail(), EmailWebhooks.NewMessageId(), "hello").Signed(Key, app.Clock.GetUtcNow());
        (await client.PostEmailFormAsync(fields)).EnsureSuccessStatusCode();
        var nonceHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(fields["token"])));

        await PurgeAsync();
        var keptWhileFresh = await NonceStoredAsync(nonceHash);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await PurgeAsync();

        Assert.True(keptWhileFresh);
        Assert.False(await NonceStoredAsync(nonceHash));
    }

    [Fact]
    public async Task MissingSender_Is400WithTheField()
    {
        var fields = EmailWebhooks.Mail("not an address", EmailWebhooks.NewMessageId(), "who am I", name: null)
            .Signed(Key, app.Clock.GetUtcNow());

        var response = await client.PostEmailFormAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("sender", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    [Theory]
    [InlineData("application/json", """{ "sender": "a@example.com" }""")]
    [InlineData("multipart/form-data", "--x\r\n\r\n--x--")]
    [InlineData("text/plain", "sender=a@example.com")]
    public async Task BodyThatIsNoForm_Is400Problem(string contentType, string body)
    {
        var content = new StringContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await client.PostAsync("/webhooks/email", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("multipart/form-data", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Simulator_PostsASignedMailThatIsStored()
    {
        var email = TestData.NewEmail();
        var simulator = app.Services.GetServices<IChannelSimulator>().Single(s => s.Channel == ChannelKind.Email);

        var result = await simulator.SendAsync(client, new SimulatedMessage(email, "Sent from the simulator") { DisplayName = "Sim Customer", Subject = "Hello" }, CancellationToken.None);
        await app.WaitForInboundProcessingAsync();

        Assert.True(result.Accepted, result.Detail);
        await using var db = await app.CreateDbContextAsync();
        var identity = await db.ChannelIdentities.SingleAsync(i => i.Channel == ChannelKind.Email && i.ExternalId == simulator.ExternalIdOf(new SimulatedMessage(email, "")));
        var message = await db.Messages.SingleAsync(m => m.ChannelIdentityId == identity.Id);
        Assert.Equal("Sent from the simulator", message.Text);
        Assert.Equal("Hello", message.EmailSubject);
        Assert.Equal("Sim Customer", identity.DisplayName);
    }

    private async Task PurgeAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<InboundEventRetention>().PurgeAsync(CancellationToken.None);
    }

    private async Task<bool> NonceStoredAsync(string nonceHash)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.WebhookNonces.AnyAsync(n => n.Channel == ChannelKind.Email && n.NonceHash == nonceHash);
    }

    private async Task AssertNothingStoredAsync(string messageId)
    {
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ExternalId == messageId));
        var bodies = await db.InboundEvents.Where(e => e.Channel == ChannelKind.Email).Select(e => e.Body!.Payload).ToListAsync();
        Assert.DoesNotContain(bodies, b => Encoding.UTF8.GetString(b).Contains(Uri.EscapeDataString(messageId), StringComparison.Ordinal));
    }
}
