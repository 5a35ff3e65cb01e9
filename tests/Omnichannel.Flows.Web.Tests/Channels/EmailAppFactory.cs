using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>The app with its email channel sending to a real SMTP server on loopback (<see cref="Smtp"/>).</summary>
public sealed class EmailAppFactory : FlowsAppFactory
{
    public FakeSmtpServer Smtp { get; } = new();

    protected override void Configure(IDictionary<string, string?> settings) =>
        settings["Channels:Email:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
