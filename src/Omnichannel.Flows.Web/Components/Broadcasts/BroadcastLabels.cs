using MudBlazor;
using Omnichannel.Flows.Platform.Broadcasts;

namespace Omnichannel.Flows.Web.Components.Broadcasts;

/// <summary>How broadcast states, skip reasons and money read on the broadcast pages.</summary>
public static class BroadcastLabels
{
    public static string State(BroadcastState state) => state.ToString().ToLowerInvariant();

    public static Color StateColor(BroadcastState state) => state switch
    {
        BroadcastState.Draft => Color.Default,
        BroadcastState.Scheduled => Color.Info,
        BroadcastState.Running => Color.Primary,
        BroadcastState.Paused => Color.Warning,
        BroadcastState.Completed => Color.Success,
        _ => Color.Error,
    };

    public static string SkipReason(string reason) => reason switch
    {
        SkipReasons.OptedOut => "opted out",
        SkipReasons.Unreachable => "not reachable on these channels",
        SkipReasons.NoApprovedTemplate => "no approved template chosen",
        SkipReasons.WindowClosed => "service window closed",
        SkipReasons.MissingValue => "a value the message needs is missing (no fallback)",
        SkipReasons.Cancelled => "cancelled before their turn",
        _ => reason.Replace('_', ' '),
    };

    public static string Wait(string reason) => reason switch
    {
        BroadcastWaits.QuietHours => "Waiting: quiet hours",
        BroadcastWaits.MessagingLimit => "Waiting: WhatsApp messaging limit",
        _ => "Waiting: retrying after the provider asked to slow down",
    };

    /// <summary>A channel's display name from its API name (<c>whatsapp</c> → WhatsApp).</summary>
    public static string Channel(string name) =>
        Platform.Channels.ChannelNames.TryParse(name, out var channel) ? Contacts.MessageLabels.Channel(channel) : name;

    public static string Money(decimal amount, string? currency) =>
        $"{amount.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture)} {currency}".TrimEnd();

    public static string Utc(DateTime? at) => at is { } value ? value.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
