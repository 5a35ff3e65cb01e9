using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Flow HTTP steps calling one host share a bounded number of connections (Automation:HttpConnectionsPerHost): a burst of
/// due timers calling a CRM queues for them instead of opening a connection per run in flight. They never connect to a
/// cloud metadata address.
/// </summary>
public sealed class FlowHttpConnectionsTests(FlowHttpConnectionsTests.ThreeConnectionsApp app) : IClassFixture<FlowHttpConnectionsTests.ThreeConnectionsApp>
{
    [Fact]
    public async Task TenCallsAtOnce_ToOneHost_UseThreeConnections_AndAllAreAnswered()
    {
        const string path = "/crm/hook";
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Provider.RespondWith(path, _ => FakeResponse.Json("{}") with { Hold = released.Task });
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpRequestActivity.ClientName);

        var calls = Enumerable.Range(0, 10)
            .Select(i => client.PostAsync(new Uri(app.Provider.BaseUrl, path.TrimStart('/')), new StringContent($"{{\"call\":{i}}}")))
            .ToList();
        await app.WaitForAsync(() => Task.FromResult(Calls().Count), count => count >= 3, "three calls held by the CRM");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // time enough for a fourth connection, which must not come
        Assert.Equal(3, Calls().Count);

        released.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(10, Calls().Count);
        Assert.Equal(3, Calls().Select(call => call.ConnectionId).Distinct().Count());

        List<RecordedRequest> Calls() => [.. app.Provider.Requests.Where(request => request.Path == path)];
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    public async Task ACallToACloudMetadataAddress_IsRefusedBeforeAnyConnection(string url)
    {
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpRequestActivity.ClientName);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(url)));

        Assert.Contains("an address flows may not call", refused.Message, StringComparison.Ordinal);
    }

    public sealed class ThreeConnectionsApp : AutomationAppFactory
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            base.Configure(settings);
            settings["Automation:HttpConnectionsPerHost"] = "3";
        }
    }
}
