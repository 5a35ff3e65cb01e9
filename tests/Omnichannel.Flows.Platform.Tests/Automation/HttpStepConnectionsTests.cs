using System.ComponentModel.DataAnnotations;
using System.Net;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Automation.Activities;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>Which addresses flow HTTP steps may not connect to.</summary>
public sealed class HttpStepConnectionsTests
{
    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("203.0.113.9", false)]
    [InlineData("2001:db8::1", false)]
    public void ByDefault_LinkLocalAndCloudMetadataAreBlocked_TheRestIsNot(string address, bool blocked)
    {
        Assert.Equal(blocked, new HttpStepConnections(new AutomationOptions()).IsBlocked(IPAddress.Parse(address)));
    }

    [Fact]
    public void ListedNetworks_AreBlockedToo_AndLinkLocalCanBeAllowed()
    {
        var connections = new HttpStepConnections(new AutomationOptions { HttpBlockLinkLocal = false, HttpBlockedNetworks = ["10.0.0.0/8", "fc00::/7"] });

        Assert.True(connections.IsBlocked(IPAddress.Parse("10.1.2.3")));
        Assert.True(connections.IsBlocked(IPAddress.Parse("::ffff:10.9.9.9")));
        Assert.True(connections.IsBlocked(IPAddress.Parse("fd12::1")));
        Assert.False(connections.IsBlocked(IPAddress.Parse("169.254.169.254")));
        Assert.False(connections.IsBlocked(IPAddress.Parse("192.168.1.1")));
    }

    [Fact]
    public void ANetworkNotInCidrForm_IsAnInvalidSetting()
    {
        var options = new AutomationOptions { HttpBlockedNetworks = ["10.0.0.0/8", "intranet"] };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Equal("'intranet' is not a network in CIDR form such as 10.0.0.0/8.", Assert.Single(results).ErrorMessage);
    }
}
