using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Jobs;

public sealed class JobsHostingTests
{
    // Hangfire's log provider is process-wide; a host must not pick up the logger factory of one already gone.
    [Fact]
    public async Task Host_StartedAfterAnotherHostWasDisposed_StartsWithItsOwnJobStorage()
    {
        await using (var first = new FlowsAppFactory())
        {
            await first.InitializeAsync();
        }

        await using var second = new FlowsAppFactory();
        await second.InitializeAsync();

        Assert.NotNull(second.Services.GetRequiredService<JobStorage>().GetMonitoringApi());
    }
}
