using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>The app for broadcast tests: sending paced fast enough not to matter, email in sandbox, consent a test double.</summary>
public class BroadcastAppFactory : FlowsAppFactory
{
    public TestConsent Consent { get; } = new();

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IBroadcastConsent>(Consent));
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

/// <summary>Consent as a test double: opt-outs set by the test, and the opt-outs the app records, kept and counted.</summary>
public sealed class TestConsent : IBroadcastConsent
{
    private readonly ConcurrentDictionary<(Guid, ChannelKind), bool> optedOut = new();

    public ConcurrentQueue<(Guid ContactId, ChannelKind Channel, MessagePurpose Purpose, string Evidence)> Recorded { get; } = new();

    public void OptOut(Guid contactId, params ChannelKind[] channels)
    {
        foreach (var channel in channels)
        {
            optedOut[(contactId, channel)] = true;
        }
    }

    public Task<IReadOnlySet<Guid>> MayReceiveAsync(ChannelKind channel, MessagePurpose purpose, IReadOnlyCollection<Guid> contactIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<Guid>>(contactIds.Where(id => !optedOut.ContainsKey((id, channel))).ToHashSet());

    public Task RecordOptOutAsync(Guid contactId, ChannelKind channel, MessagePurpose purpose, string evidence, CancellationToken cancellationToken)
    {
        Recorded.Enqueue((contactId, channel, purpose, evidence));
        OptOut(contactId, channel);
        return Task.CompletedTask;
    }
}
