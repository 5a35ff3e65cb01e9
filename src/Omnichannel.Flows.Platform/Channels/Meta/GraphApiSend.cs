using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>One Graph API send: a JSON POST with the bearer token, errors classified by <see cref="GraphApiError"/>.</summary>
public static class GraphApiSend
{
    /// <param name="readMessageId">Finds the provider's message id in a successful answer.</param>
    public static async Task<SendOutcome> PostAsync<TPayload>(
        HttpClient http, string path, TPayload payload, string? accessToken, Func<JsonElement, string?> readMessageId,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(payload) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return await GraphApiError.ClassifyAsync(response, cancellationToken);
        }

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return readMessageId(answer) is { } id
            ? new SendOutcome.Accepted(id)
            : new SendOutcome.Unknown("The Graph API answered without a message id.");
    }
}
