using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>How consent reads for people: in the policy's reasons and on the contact pages.</summary>
public static class ConsentLabels
{
    public static string Source(ConsentSource source) => source switch
    {
        ConsentSource.Keyword => "keyword",
        ConsentSource.Button => "\"Stop promotions\" button",
        ConsentSource.ProviderError => "reported by the provider",
        ConsentSource.Agent => "recorded by an agent",
        ConsentSource.Api => "recorded through the API",
        ConsentSource.Merge => "kept from a merged profile",
        _ => source.ToString(),
    };

    public static string Scope(ConsentScope scope) => scope == ConsentScope.Marketing ? "marketing" : "all messages";

    /// <summary>"SMS: opted out", "WhatsApp: marketing opt-out".</summary>
    public static string OptOut(ChannelKind channel, ConsentScope scope) =>
        $"{ChannelOverview.DisplayName(channel)}: {(scope == ConsentScope.Marketing ? "marketing opt-out" : "opted out")}";
}
