using System.Text;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Email;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class EmailPayloadParserTests
{
    private readonly EmailPayloadParser parser = new();

    [Fact]
    public void HeadersMissingFromTheForm_AreReadFromMessageHeaders()
    {
        var form = UrlEncoded(new()
        {
            ["sender"] = "Anna@Example.com",
            ["from"] = "\"Anna Example\" <anna@example.com>",
            ["body-plain"] = "Hello",
            ["timestamp"] = "1764072000",
            ["message-headers"] = """
                [["Message-Id", "<abc@mail.example.com>"], ["In-Reply-To", "<ours@flows.test> (sent by us)"],
                 ["References", "<root@flows.test>\r\n\t<ours@flows.test>"], ["Subject", "Re: Order"], ["Date", "Tue, 25 Nov 2025 12:30:00 +0000"]]
                """,
        });

        var message = parser.Parse(form);

        Assert.Equal("anna@example.com", message.Customer.ExternalId);
        Assert.Equal("anna@example.com", message.Customer.ProvenEmail);
        Assert.Equal("Anna Example", message.Customer.DisplayName);
        Assert.Equal("<abc@mail.example.com>", message.ExternalId);
        Assert.Equal("<ours@flows.test>", message.EmailInReplyTo);
        Assert.Equal(["<root@flows.test>", "<ours@flows.test>"], message.EmailReferences);
        Assert.Equal("Re: Order", message.EmailSubject);
        Assert.Equal(new DateTime(2025, 11, 25, 12, 30, 0, DateTimeKind.Utc), message.SentAt);
    }

    [Fact]
    public void MailWithoutDateHeader_IsSentAtTheTimestamp()
    {
        var message = parser.Parse(UrlEncoded(new() { ["sender"] = "a@example.com", ["Message-Id"] = "x@y", ["timestamp"] = "1764072000" }));

        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1764072000), message.SentAt);
        Assert.Equal("<x@y>", message.EmailMessageId);
    }

    [Fact]
    public void MailWithoutMessageId_GetsTheSameSyntheticIdOnRedelivery()
    {
        var fields = new Dictionary<string, string> { ["sender"] = "a@example.com", ["subject"] = "hi", ["body-plain"] = "text", ["timestamp"] = "1764072000" };

        var first = parser.Parse(UrlEncoded(fields));
        var again = parser.Parse(UrlEncoded(new(fields) { ["timestamp"] = "1764072099" }));

        Assert.Equal(first.ExternalId, again.ExternalId);
        Assert.EndsWith("@no-message-id.invalid>", first.ExternalId, StringComparison.Ordinal);
    }

    [Fact]
    public void MultipartForm_KeepsFieldsAndAttachmentMetadata()
    {
        const string body = "--b1\r\nContent-Disposition: form-data; name=\"sender\"\r\n\r\nbob@example.com\r\n" +
            "--b1\r\nContent-Disposition: form-data; name=\"stripped-text\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße\r\n" +
            "--b1\r\nContent-Disposition: form-data; name=\"attachment-1\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n0123456789\r\n--b1--\r\n";

        var form = EmailForm.Read(Encoding.UTF8.GetBytes(body), "multipart/form-data; boundary=b1");

        Assert.Equal("bob@example.com", form["sender"]);
        Assert.Equal("Grüße", form["STRIPPED-TEXT"]);
        Assert.Equal(new EmailAttachment("scan.png", "image/png", 10), Assert.Single(form.Attachments));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("multipart/form-data")]
    public void BodyThatIsNoForm_DoesNotParse(string? contentType)
    {
        Assert.Throws<InboundPayloadException>(() => EmailForm.Read("{}"u8.ToArray(), contentType));
    }

    private static EmailForm UrlEncoded(Dictionary<string, string> fields) =>
        EmailForm.Read(new FormUrlEncodedContent(fields).ReadAsByteArrayAsync().GetAwaiter().GetResult(), "application/x-www-form-urlencoded");
}
