using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>Posts webhook bodies signed the way each provider signs them (written from the providers' docs, not from our code).</summary>
public static class WebhookClient
{
    public static Task<HttpResponseMessage> PostMetaAsync(this HttpClient client, string path, string json, string appSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(json)));
        request.Headers.Add("X-Hub-Signature-256", $"sha256={signature}");
        return client.SendAsync(request);
    }
}
