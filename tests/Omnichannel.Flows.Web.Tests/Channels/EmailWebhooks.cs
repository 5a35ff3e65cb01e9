using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>
/// Inbound-parse webhook posts as a Mailgun-style provider sends them (form fields and signature written from the
/// provider's docs: signature = hex HMAC-SHA256(signing key, timestamp + token)).
/// </summary>
public static class EmailWebhooks
{
    /// <summary>A fresh Message-Id as the customer's mail server would write it.</summary>
    public static string NewMessageId() => $"<{Guid.NewGuid():N}@mail.example.com>";

    /// <summary>The fields of a customer's mail; add or override with <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Mail(string from, string messageId, string text, string subject = "Order 1042",
        string? name = "Anna Example", IReadOnlyDictionary<string, string>? extra = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["recipient"] = "support@flows.test",
            ["sender"] = from,
            ["from"] = name is null ? from : $"{name} <{from}>",
            ["subject"] = subject,
            ["body-plain"] = $"{text}\r\n\r\nOn Monday, Support wrote:\r\n> earlier text",
            ["stripped-text"] = text,
            ["body-html"] = $"<html><body><p>{text}</p><blockquote>earlier text</blockquote></body></html>",
            ["Message-Id"] = messageId,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            fields[key] = value;
        }

        return fields;
    }

    /// <summary>Adds timestamp, token and signature for <paramref name="signedAt"/>.</summary>
    public static Dictionary<string, string> Signed(this Dictionary<string, string> fields, string signingKey, DateTimeOffset signedAt, string? token = null)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        token ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(25));
        fields["timestamp"] = timestamp;
        fields["token"] = token;
        fields["signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(timestamp + token)));
        return fields;
    }

    public static Task<HttpResponseMessage> PostEmailFormAsync(this HttpClient client, Dictionary<string, string> fields) =>
        client.PostAsync("/webhooks/email", new FormUrlEncodedContent(fields));

    /// <summary>multipart/form-data with the fields and file parts, as sent when the mail has attachments.</summary>
    public static Task<HttpResponseMessage> PostEmailMultipartAsync(
        this HttpClient client, Dictionary<string, string> fields, params (string Name, string Type, byte[] Content)[] attachments)
    {
        var content = new MultipartFormDataContent();
        fields["attachment-count"] = attachments.Length.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value, Encoding.UTF8), name);
        }

        for (var i = 0; i < attachments.Length; i++)
        {
            var file = new ByteArrayContent(attachments[i].Content);
            file.Headers.ContentType = new MediaTypeHeaderValue(attachments[i].Type);
            content.Add(file, $"attachment-{i + 1}", attachments[i].Name);
        }

        return client.PostAsync("/webhooks/email", content);
    }

    /// <summary>Signs and posts a customer's mail with the test host's key; returns the Message-Id it carried.</summary>
    public static async Task<string> CustomerEmailsAsync(this FlowsAppFactory app, string from, string text,
        string subject = "Order 1042", IReadOnlyDictionary<string, string>? extra = null)
    {
        var messageId = NewMessageId();
        var fields = Mail(from, messageId, text, subject, extra: extra).Signed(app.Secrets.EmailSigningKey, app.Clock.GetUtcNow());
        (await app.CreateClient().PostEmailFormAsync(fields)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        return messageId;
    }
}
