using System.Text.Json.Serialization;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>The messaging channels a customer can reach the business on. JSON and URLs use the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelKind>))]
public enum ChannelKind
{
    [JsonStringEnumMemberName("whatsapp")] WhatsApp,
    [JsonStringEnumMemberName("messenger")] Messenger,
    [JsonStringEnumMemberName("instagram")] Instagram,
    [JsonStringEnumMemberName("sms")] Sms,
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("telegram")] Telegram,
    [JsonStringEnumMemberName("tiktok")] TikTok,
    [JsonStringEnumMemberName("webchat")] WebChat,
}

public static class ChannelNames
{
    private static readonly Dictionary<string, ChannelKind> ByName =
        Enum.GetValues<ChannelKind>().ToDictionary(ToName, c => c, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> All => ByName.Keys;

    public static string ToName(this ChannelKind channel) => channel.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out ChannelKind channel) =>
        ByName.TryGetValue(name?.Trim() ?? "", out channel);
}
