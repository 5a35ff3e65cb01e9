using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// <c>Consent:*</c> — opt-out keywords, the answers to them, and what an opt-out still allows. The carriers' keywords
/// are built in (<see cref="ConsentKeywords"/>); the lists here extend them, e.g. with other languages.
/// </summary>
public sealed class ConsentOptions
{
    public const string Section = "Consent";

    /// <summary>The longest text an SMS answer may have (ten concatenated segments).</summary>
    public const int MaxReplyLength = 1600;

    public const string DefaultOptOutConfirmation =
        "You have been unsubscribed and will receive no more messages. Reply START to resubscribe.";

    public const string DefaultMarketingOptOutConfirmation =
        "You will no longer receive promotional messages from us. Reply START to receive them again.";

    public const string DefaultHelpText =
        "You are receiving messages from our customer service. Reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.";

    /// <summary>More opt-out keywords (SMS and WhatsApp), e.g. <c>STOPP</c>, <c>ARRET</c>.</summary>
    public string[] OptOutKeywords { get; set; } = [];

    /// <summary>More opt-in keywords (SMS and WhatsApp), e.g. <c>ANMELDEN</c>.</summary>
    public string[] OptInKeywords { get; set; } = [];

    /// <summary>More help keywords (SMS only: on WhatsApp "help" asks for a person), e.g. <c>HILFE</c>.</summary>
    public string[] HelpKeywords { get; set; } = [];

    /// <summary>More labels (or payloads) of a WhatsApp marketing template's opt-out quick reply, e.g. a translated "Stop promotions".</summary>
    public string[] StopPromotionsButtons { get; set; } = [];

    /// <summary>The answer to HELP / INFO on SMS. Empty: not answered (e.g. when Twilio's Advanced Opt-Out answers).</summary>
    [MaxLength(MaxReplyLength)]
    public string? HelpText { get; set; } = DefaultHelpText;

    /// <summary>The one message sent after an SMS opt-out. Empty: none (e.g. when Twilio's Advanced Opt-Out confirms).</summary>
    [MaxLength(MaxReplyLength)]
    public string? OptOutConfirmation { get; set; } = DefaultOptOutConfirmation;

    /// <summary>The answer to a WhatsApp STOP or "Stop promotions" (a marketing opt-out). Empty: none.</summary>
    [MaxLength(MaxReplyLength)]
    public string? MarketingOptOutConfirmation { get; set; } = DefaultMarketingOptOutConfirmation;

    /// <summary>
    /// Whether utility/authentication messages and automations may still reach a customer who opted out of everything on
    /// the channel (an order update after STOP). Off by default: after STOP nothing but the confirmation is sent.
    /// </summary>
    public bool AllowTransactionalAfterOptOut { get; set; }
}

/// <summary>Refuses keywords that normalise to nothing and a keyword in two lists (STOP added as an opt-in word).</summary>
internal sealed class ConsentOptionsValidator : IValidateOptions<ConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentOptions options)
    {
        var problems = new List<string>();
        var lists = new (string Key, IEnumerable<string> Words)[]
        {
            (nameof(ConsentOptions.OptOutKeywords), [.. options.OptOutKeywords, .. ConsentKeywords.SmsOptOut]),
            (nameof(ConsentOptions.OptInKeywords), [.. options.OptInKeywords, .. ConsentKeywords.SmsOptIn]),
            (nameof(ConsentOptions.HelpKeywords), [.. options.HelpKeywords, .. ConsentKeywords.SmsHelp]),
        };
        foreach (var (key, words) in lists)
        {
            foreach (var word in words.Where(w => ConsentKeywords.Normalize(w).Length == 0))
            {
                problems.Add($"{ConsentOptions.Section}:{key} has an empty keyword ('{word}').");
            }
        }

        var owners = lists.SelectMany(list => list.Words.Select(ConsentKeywords.Normalize).Where(w => w.Length > 0).Distinct().Select(word => (word, list.Key)));
        foreach (var clash in owners.GroupBy(o => o.word).Where(g => g.Count() > 1))
        {
            problems.Add($"'{clash.Key}' is in {string.Join(" and ", clash.Select(c => $"{ConsentOptions.Section}:{c.Key}"))} (built-in keywords count).");
        }

        if (options.StopPromotionsButtons.Any(b => ConsentKeywords.Normalize(b).Length == 0))
        {
            problems.Add($"{ConsentOptions.Section}:{nameof(ConsentOptions.StopPromotionsButtons)} has an empty label.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
