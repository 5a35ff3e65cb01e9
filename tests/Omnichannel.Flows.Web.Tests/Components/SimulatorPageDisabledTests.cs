using Bunit;
using Omnichannel.Flows.Web.Components.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

/// <summary>The test host runs outside Development with no Simulator settings: the simulator is off by default there.</summary>
public sealed class SimulatorPageDisabledTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public void Page_OutsideDevelopmentByDefault_SaysTheSimulatorIsDisabledAndOffersNoForm()
    {
        var cut = Render<SimulatorPage>();

        Assert.Contains("The customer simulator is disabled on this installation", cut.Find("[data-testid=simulator-disabled]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=sim-send]"));
    }
}
