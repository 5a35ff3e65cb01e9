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

    public static async Task ReplyAsync(this HttpClient agent, Guid contactId, string text)
    {
        var response = await agent.PostAsJsonAsync($"api/contacts/{contactId}/messages", new { text });
        response.EnsureSuccessStatusCode();
    }
}
