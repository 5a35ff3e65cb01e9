namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>Messenger/Instagram message tags our sends use (see <see cref="ServiceWindows.ServiceWindowPolicy"/> for when).</summary>
public static class MetaMessageTags
{
    /// <summary>A person's reply up to 7 days after the customer's last message; the Page needs Meta's approval for it.</summary>
    public const string HumanAgent = "HUMAN_AGENT";
}
