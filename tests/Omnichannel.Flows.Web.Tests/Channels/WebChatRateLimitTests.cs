using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.WebChat;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

public sealed class WebChatRateLimitTests(WebChatRateLimitTests.LowLimitsAppFactory app) : IClassFixture<WebChatRateLimitTests.LowLimitsAppFactory>
{
    [Fact]
    public async Task SessionCreation_OverTheLimit_Is429ProblemWithRetryAfter()
    {
        var client = app.CreateClient();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await client.PostAsJsonAsync("/api/webchat/sessions", new { }));
        }

        var refused = await client.PostAsJsonAsync("/api/webchat/sessions", new { });

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task MessagesOfOneSession_OverTheLimit_Are429Problem()
    {
        var client = app.CreateClient();
        var visitor = await OpenSessionDirectlyAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await visitor.PostAsync(client, $"message {i}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
    }

    /// <summary>Opened without the API, so this test does not spend the session creations the other one counts.</summary>
    private async Task<WebChatVisitor> OpenSessionDirectlyAsync()
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<WebChatSessions>()
            .CreateAsync(new CreateWebChatSessionRequest(null, null, null, null), CancellationToken.None);
        return new WebChatVisitor(result.Session!.SessionId, result.Session.Token, result.Session.IdentityVerified);
    }

    public sealed class LowLimitsAppFactory : FlowsAppFactory
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Channels:WebChat:RateLimit:Window"] = "01:00:00";
            settings["Channels:WebChat:RateLimit:SessionsPerWindow"] = "3";
            settings["Channels:WebChat:RateLimit:MessagesPerWindow"] = "3";
        }
    }
}
