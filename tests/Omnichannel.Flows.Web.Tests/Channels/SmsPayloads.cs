using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Twilio webhook form posts, signed as Twilio signs them (written from Twilio's security docs, not from our code).</summary>
public static class SmsPayloads
{
    public static Dictionary<string, string> Message(string from, string sid, string body, params (string Url, string ContentType)[] media)
    {
        var form = new Dictionary<string, string>
        {
            ["ToCountry"] = "US",
            ["SmsMessageSid"] = sid,
            ["NumMedia"] = media.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SmsSid"] = sid,
            ["SmsStatus"] = "received",
            ["Body"] = body,
            ["To"] = "+15550001111",
            ["NumSegments"] = "1",
            ["MessageSid"] = sid,
            ["AccountSid"] = "ACtest",
            ["From"] = from,
            ["ApiVersion"] = "2010-04-01",
        };
        for (var i = 0; i < media.Length; i++)
        {
            form[$"MediaUrl{i}"] = media[i].Url;
            form[$"MediaContentType{i}"] = media[i].ContentType;
        }

        return form;
    }

    public static Dictionary<string, string> Status(string sid, string status, string? errorCode = null)
    {
        var form = new Dictionary<string, string>
        {
            ["SmsSid"] = sid,
            ["SmsStatus"] = status,
            ["MessageStatus"] = status,
            ["To"] = "+4915112345678",
            ["MessageSid"] = sid,
            ["AccountSid"] = "ACtest",
            ["From"] = "+15550001111",
            ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
        {
            form["ErrorCode"] = errorCode;
        }

        return form;
    }

    /// <summary>Posts <paramref name="form"/> to <paramref name="pathAndQuery"/> signed for the URL Twilio would have called: <paramref name="publicBaseUrl"/> + path and query.</summary>
    public static Task<HttpResponseMessage> PostTwilioAsync(
        this HttpClient client, string pathAndQuery, IReadOnlyDictionary<string, string> form, string authToken,
        string publicBaseUrl = TestSecrets.TwilioWebhookUrl)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Sign(authToken, publicBaseUrl + pathAndQuery, form));
        return client.SendAsync(request);
    }

    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data)));
    }

    /// <returns>The contact id the message landed on.</returns>
    public static async Task<Guid> CustomerTextsAsync(this FlowsAppFactory app, string phone, string text)
    {
        var form = Message(phone, $"SM{Guid.NewGuid():N}", text);
        (await app.CreateClient().PostTwilioAsync("/webhooks/sms", form, app.Secrets.TwilioAuthToken)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        await using var db = await app.CreateDbContextAsync();
        return await db.ContactPhones.Where(p => p.Number == phone).Select(p => p.ContactId).SingleAsync();
    }
}
