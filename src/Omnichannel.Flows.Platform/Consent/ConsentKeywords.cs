using System.Text;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Recognises a customer's consent keyword: the whole message (trimmed, case-insensitive, trailing punctuation ignored)
/// must be the keyword, so "please stop calling me" is a message for an agent, not an opt-out. SMS knows the carriers'
/// lists; WhatsApp knows STOP / START only (a whole-message "Cancel" there is about an order) and no help keyword
/// (customers who write "help" want a person). Configured keywords extend both channels.
/// </summary>
public sealed class ConsentKeywords
{
    public static readonly IReadOnlyList<string> SmsOptOut = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"];
    public static readonly IReadOnlyList<string> SmsOptIn = ["START", "YES", "UNSTOP"];
    public static readonly IReadOnlyList<string> SmsHelp = ["HELP", "INFO"];
    public static readonly IReadOnlyList<string> WhatsAppOptOut = ["STOP"];
    public static readonly IReadOnlyList<string> WhatsAppOptIn = ["START", "UNSTOP"];

    /// <summary>The label Meta gives a marketing template's opt-out quick reply; its payload is the same text.</summary>
    public static readonly IReadOnlyList<string> StopPromotions = ["Stop promotions"];

    private readonly Dictionary<ChannelKind, Dictionary<string, ConsentKeyword>> byChannel;
    private readonly HashSet<string> stopPromotions;

    public ConsentKeywords(IOptions<ConsentOptions> options)
    {
        var settings = options.Value;
        byChannel = new()
        {
            [ChannelKind.Sms] = Table(
                (ConsentKeyword.OptOut, [.. SmsOptOut, .. settings.OptOutKeywords]),
                (ConsentKeyword.OptIn, [.. SmsOptIn, .. settings.OptInKeywords]),
                (ConsentKeyword.Help, [.. SmsHelp, .. settings.HelpKeywords])),
            [ChannelKind.WhatsApp] = Table(
                (ConsentKeyword.OptOut, [.. WhatsAppOptOut, .. settings.OptOutKeywords]),
                (ConsentKeyword.OptIn, [.. WhatsAppOptIn, .. settings.OptInKeywords])),
        };
        stopPromotions = [.. StopPromotions.Concat(settings.StopPromotionsButtons).Select(Normalize)];
    }

    /// <summary>What the customer's whole message asks for on <paramref name="channel"/>; <see cref="ConsentKeyword.None"/> for anything else.</summary>
    public ConsentKeyword Classify(ChannelKind channel, string? text) =>
        text is not null && byChannel.TryGetValue(channel, out var table) && table.TryGetValue(Normalize(text), out var keyword)
            ? keyword
            : ConsentKeyword.None;

    /// <summary>True when a tapped template quick reply (its label or payload) is the marketing opt-out button.</summary>
    public bool IsStopPromotions(string? label, string? payload) =>
        (label is not null && stopPromotions.Contains(Normalize(label))) || (payload is not null && stopPromotions.Contains(Normalize(payload)));

    /// <summary>Upper case, outer whitespace and trailing punctuation removed, inner whitespace runs as one space.</summary>
    public static string Normalize(string text)
    {
        var trimmed = text.AsSpan().Trim();
        while (trimmed.Length > 0 && (char.IsPunctuation(trimmed[^1]) || char.IsWhiteSpace(trimmed[^1])))
        {
            trimmed = trimmed[..^1];
        }

        var normalized = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (!char.IsWhiteSpace(c))
            {
                normalized.Append(char.ToUpperInvariant(c));
            }
            else if (normalized[^1] != ' ')
            {
                normalized.Append(' ');
            }
        }

        return normalized.ToString();
    }

    private static Dictionary<string, ConsentKeyword> Table(params (ConsentKeyword Keyword, string[] Words)[] lists)
    {
        var table = new Dictionary<string, ConsentKeyword>(StringComparer.Ordinal);
        foreach (var (keyword, words) in lists)
        {
            foreach (var word in words.Select(Normalize).Where(w => w.Length > 0))
            {
                table.TryAdd(word, keyword);
            }
        }

        return table;
    }
}

public enum ConsentKeyword { None, OptOut, OptIn, Help }
