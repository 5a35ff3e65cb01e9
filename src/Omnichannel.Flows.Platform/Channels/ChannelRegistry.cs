using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>Finds a channel's adapters and mode by name. Adapters are registered keyed by <see cref="ChannelKind"/>.</summary>
public sealed class ChannelRegistry(IServiceProvider services, IEnumerable<ChannelOptionsAccessor> options)
{
    private readonly Dictionary<ChannelKind, ChannelOptionsAccessor> optionsByChannel = options.ToDictionary(o => o.Channel);

    public IEnumerable<ChannelKind> Configured => optionsByChannel.Keys;

    public ChannelMode ModeOf(ChannelKind channel) =>
        optionsByChannel.TryGetValue(channel, out var accessor) ? accessor.Options().EffectiveMode : ChannelMode.Disabled;

    public bool IsEnabled(ChannelKind channel) => ModeOf(channel) != ChannelMode.Disabled;

    public IInboundChannel Inbound(ChannelKind channel) => services.GetRequiredKeyedService<IInboundChannel>(channel);

    public IOutboundChannel Outbound(ChannelKind channel) => services.GetRequiredKeyedService<IOutboundChannel>(channel);
}

/// <summary>Reads one channel's resolved options; registered once per channel.</summary>
public sealed record ChannelOptionsAccessor(ChannelKind Channel, Func<ChannelOptions> Options);
