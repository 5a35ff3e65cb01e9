using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Consent;

/// <summary>The app with a business's own help text and a German keyword on top of the carriers' lists.</summary>
public sealed class ConsentAppFactory : FlowsAppFactory
{
    public const string HelpText = "Acme Shoes support: acme.example/help or 0800 123 456. Reply STOP to opt out.";

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Consent:HelpText"] = HelpText;
        settings["Consent:OptOutKeywords:0"] = "STOPP";
        settings["Consent:OptInKeywords:0"] = "ANMELDEN";
    }
}
