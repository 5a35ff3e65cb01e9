using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Omnichannel.Flows.Bench;

/// <summary>The app's API as the benchmarks use it (bearer token from /api/auth/login); loopback targets only. Linked into each bench tool.</summary>
internal static class Api
{
    public static async Task<HttpClient> LoginAsync(string url, string email, string password)
    {
        var client = new HttpClient { BaseAddress = Loopback(url), Timeout = TimeSpan.FromMinutes(5) };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static Uri Loopback(string url)
    {
        var uri = new Uri(url);
        if (!System.Net.IPAddress.TryParse(uri.Host, out var address) || !System.Net.IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"{url} is not a loopback address; the benchmark only talks to 127.0.0.1.");
        }

        return uri;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
