using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;
using Omnichannel.Flows.Platform.Automation.WarmUp;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Web.Hosting;

namespace Omnichannel.Flows.EndToEnd.Tests;

/// <summary>What the browser tests stand on, checked without a browser (so it runs where chromium is missing too).</summary>
public sealed class HostingTests(EndToEndHost host)
{
    [Fact]
    public async Task Host_OnKestrel_ServesThePackagesStaticAssetsAndTheLoginPage()
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };

        using var css = await http.GetAsync("_content/MudBlazor/MudBlazor.min.css");
        using var login = await http.GetAsync("login");

        Assert.Equal("127.0.0.1", host.BaseUrl.Host);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Sign in", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Anonymous_IsSentToTheLoginPage()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseUrl };

        using var response = await http.GetAsync("simulator");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", new Uri(host.BaseUrl, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task WarmUp_OnKestrel_IsAnsweredByTheAppItself_AndItsFlowRunsFinishAndAreDeleted()
    {
        var warmUp = host.App.Services.GetRequiredService<StartupWarmUp>();

        await warmUp.Done.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal(EndToEndApp.WarmUpRounds * EndToEndApp.WarmUpRequestsPerRound, warmUp.Answered);
        Assert.Equal(EndToEndApp.WarmUpFlowRuns, warmUp.FlowRunsFinished);
        await using var db = await host.App.Services.GetRequiredService<IDbContextFactory<FlowsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.False(await db.FlowInstances.AnyAsync(i => i.FlowId == FlowWarmUp.FlowId, TestContext.Current.CancellationToken));
    }
}
