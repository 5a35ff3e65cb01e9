using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>The app for broadcast tests: sending paced fast enough not to matter, email in sandbox.</summary>
public class BroadcastAppFactory : FlowsAppFactory
{
    protected virtual int WhatsAppMessagesPerSecond => 1000;

    protected virtual int MessagingLimit => 1000;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Broadcasts:WhatsAppMessagesPerSecond"] = WhatsAppMessagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Broadcasts:SmsMessagesPerSecond"] = "1000";
        settings["Broadcasts:MessagingLimit"] = MessagingLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Broadcasts:DefaultTimeZone"] = "Europe/Berlin";
        settings["Channels:Email:Mode"] = "Sandbox";
    }
}

/// <summary>WhatsApp paced at 5 messages a second, so tests can count the sends each second of the fake clock lets through.</summary>
public sealed class SlowBroadcastAppFactory : BroadcastAppFactory
{
    public const int Rate = 5;

    protected override int WhatsAppMessagesPerSecond => Rate;
}

/// <summary>A WhatsApp messaging limit of 3 unique customers outside a service window per 24 h.</summary>
public sealed class LimitedBroadcastAppFactory : BroadcastAppFactory
{
    public const int Limit = 3;

    protected override int MessagingLimit => Limit;
}
