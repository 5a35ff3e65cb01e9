using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>The app's HTTP API as another user of it (an agent's tool, a script) calls it, with a bearer token.</summary>
public static class AppApi
{
    public static async Task<HttpClient> SignInAsync(Uri baseUrl, string email, string password)
    {
        var client = new HttpClient { BaseAddress = baseUrl };
        var login = await client.PostAsJsonAsync("api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task CreateUserAsync(this HttpClient admin, string email, string password, string role)
    {
        var response = await admin.PostAsJsonAsync("api/users", new { email, displayName = email, password, roles = new[] { role } });
        response.EnsureSuccessStatusCode();
    }

    public static async Task<Guid> ContactIdByPhoneAsync(this HttpClient client, string phone)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"api/contacts?search={Uri.EscapeDataString(phone)}");
        return page.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
    }

    /// <summary>The contact with <paramref name="phone"/>, once the webhook that brings them has been processed (in the background).</summary>
    public static async Task<Guid> WaitForContactByPhoneAsync(this HttpClient client, string phone, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"api/contacts?search={Uri.EscapeDataString(phone)}");
            if (page.GetProperty("items").EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } contact)
            {
                return contact.GetProperty("id").GetGuid();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No contact with {phone} appeared.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    public static async Task ReplyAsync(this HttpClient agent, Guid contactId, string text)
    {
        var response = await agent.PostAsJsonAsync($"api/contacts/{contactId}/messages", new { text });
        response.EnsureSuccessStatusCode();
    }
}
