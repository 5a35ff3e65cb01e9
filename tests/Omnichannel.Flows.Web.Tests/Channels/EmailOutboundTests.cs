using Microsoft.EntityFrameworkCore;
using MimeKit;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class EmailOutboundTests(EmailAppFactory app) : IClassFixture<EmailAppFactory>
{
    [Fact]
    public async Task Reply_IsSentOverSmtpWithOurMessageIdAndTheThreadHeaders()
    {
        var email = TestData.NewEmail();
        var customerMessageId = await app.CustomerEmailsAsync(email, "Where is my parcel?", extra: new Dictionary<string, string>
        {
            ["In-Reply-To"] = "<earlier@flows.test>",
        });
        var contactId = await ContactOfAsync(email);
        var admin = await app.CreateAdminClientAsync();

        var messageId = await admin.AgentRepliesAsync(contactId, "It left our warehouse this morning.", "email");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        var mail = await app.Smtp.WaitForMessageAsync(m => m.TextBody?.Contains("warehouse", StringComparison.Ordinal) == true);
        Assert.Equal("Flows Support <support@flows.test>", mail.Headers[HeaderId.From]);
        Assert.Equal($"Anna Example <{email}>", mail.Headers[HeaderId.To]);
        Assert.Equal("Re: Order 1042", mail.Headers[HeaderId.Subject]);
        Assert.Equal($"<{messageId}@flows.test>", mail.Headers[HeaderId.MessageId]);
        Assert.Equal(customerMessageId, mail.Headers[HeaderId.InReplyTo]);
        Assert.Equal(["<earlier@flows.test>", customerMessageId], mail.Headers[HeaderId.References]!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("text/plain", mail.Body?.ContentType.MimeType);
        Assert.Equal("It left our warehouse this morning.", mail.TextBody?.TrimEnd());
        Assert.Equal($"<{messageId}@flows.test>", sent.ExternalId);
        Assert.Equal($"<{messageId}@flows.test>", sent.EmailMessageId);
    }

    [Fact]
    public async Task CustomersReplyToOurMessageId_ThreadsToOurMessage()
    {
        var (email, contactId) = await CustomerWhoEmailedAsync("Can I change the address?");
        var admin = await app.CreateAdminClientAsync();
        var ourId = await admin.AgentRepliesAsync(contactId, "Yes, which one?", "email");
        var sent = await app.WaitForMessageAsync(ourId, m => m.Status == DeliveryStatus.Sent);

        var replyId = await app.CustomerEmailsAsync(email, "Hauptstraße 5, Berlin", subject: "Re: Order 1042", extra: new Dictionary<string, string>
        {
            ["In-Reply-To"] = sent.EmailMessageId!,
            ["References"] = $"<something-older@mail.example.com> {sent.EmailMessageId}",
        });

        await using var db = await app.CreateDbContextAsync();
        var reply = await db.Messages.SingleAsync(m => m.ExternalId == replyId);
        Assert.Equal(ourId, reply.ReplyToMessageId);
        Assert.Equal(contactId, reply.ContactId);
    }

    [Fact]
    public async Task TemporaryRejection_IsRetriedWithTheSameMessageIdUntilAccepted()
    {
        var (_, contactId) = await CustomerWhoEmailedAsync("ping");
        var admin = await app.CreateAdminClientAsync();
        app.Smtp.Respond(SmtpReply.Reject(451, "4.3.0 Try again later"));

        var messageId = await admin.AgentRepliesAsync(contactId, "pong after a retry", "email");
        var sent = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        Assert.Equal(2, sent.Attempts);
        Assert.Equal("451", sent.ErrorCode);
        var attempts = app.Smtp.Received.Where(m => m.MessageId == $"{messageId}@flows.test").ToList();
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public async Task PermanentRejection_FailsWithTheSmtpCode()
    {
        var (_, contactId) = await CustomerWhoEmailedAsync("hello");
        var admin = await app.CreateAdminClientAsync();
        app.Smtp.Respond(SmtpReply.Reject(550, "5.1.1 Mailbox does not exist"));

        var messageId = await admin.AgentRepliesAsync(contactId, "are you there?", "email");
        var failed = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Failed);

        Assert.Equal("550", failed.ErrorCode);
        Assert.Contains("Mailbox does not exist", failed.ErrorReason);
        Assert.Equal(1, failed.Attempts);
    }

    [Fact]
    public async Task ConnectionLostAfterTheData_IsUnknownAndNotResent()
    {
        var (_, contactId) = await CustomerWhoEmailedAsync("hello");
        var admin = await app.CreateAdminClientAsync();
        app.Smtp.Respond(SmtpReply.Drop);

        var messageId = await admin.AgentRepliesAsync(contactId, "did this arrive?", "email");
        var unknown = await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Unknown);

        Assert.Equal(1, unknown.Attempts);
        Assert.Single(app.Smtp.Received, m => m.MessageId == $"{messageId}@flows.test");
    }

    private async Task<(string Email, Guid ContactId)> CustomerWhoEmailedAsync(string text)
    {
        var email = TestData.NewEmail();
        await app.CustomerEmailsAsync(email, text);
        return (email, await ContactOfAsync(email));
    }

    private async Task<Guid> ContactOfAsync(string email)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactEmails.Where(e => e.Address == email).Select(e => e.ContactId).SingleAsync();
    }
}
