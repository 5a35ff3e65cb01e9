using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Web.Hosting;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Hosting;

public sealed class StartupWarmUpTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData("http://127.0.0.1:18540", "http://127.0.0.1:18540/health/live")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/health/live")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/health/live")]
    [InlineData("http://[::]:5000", "http://[::1]:5000/health/live")]
    [InlineData("http://localhost:5000", "http://localhost:5000/health/live")]
    public void LoopbackUrl_PlainHttpAddress_IsItsLiveHealthCheckWithWildcardsAsLoopback(string address, string expected) =>
        Assert.Equal(new Uri(expected), StartupWarmUp.LoopbackUrl([address]));

    [Fact]
    public void LoopbackUrl_HttpsFirst_TakesThePlainHttpAddress() =>
        Assert.Equal(new Uri("http://localhost:5000/health/live"), StartupWarmUp.LoopbackUrl(["https://localhost:5001", "http://localhost:5000"]));

    [Theory]
    [InlineData("https://localhost:5001")]
    [InlineData("http://unix:/run/omnichannel.sock")]
    public void LoopbackUrl_NoPlainHttpAddress_IsNone(string address) => Assert.Null(StartupWarmUp.LoopbackUrl([address]));

    [Fact]
    public async Task WarmUp_OnTheInMemoryTestServer_EndsWithoutSendingAnything()
    {
        _ = app.Server; // starts the host
        var warmUp = app.Services.GetRequiredService<StartupWarmUp>();

        await warmUp.Done.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(0, warmUp.Answered);
    }
}
