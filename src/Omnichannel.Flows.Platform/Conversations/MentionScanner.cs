using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using PhoneNumbers;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// A customer who writes "this is my other number, +49 151 …" or "I'm anna@example.com" may already have another
/// profile: when a phone or email in a message belongs to a different profile, raise a merge suggestion.
/// </summary>
public sealed partial class MentionScanner(IdentityMatcher matcher, MergeSuggestions suggestions, IOptions<PhoneOptions> phoneOptions)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public async Task ScanAsync(FlowsDbContext db, Guid contactId, string? text, CancellationToken cancellationToken)
    {
        if (!MayMention(text))
        {
            return;
        }

        foreach (Match match in EmailPattern().Matches(text))
        {
            var owner = await matcher.FindByEmailAsync(db, EmailAddresses.Normalize(match.Value), cancellationToken);
            if (owner is not null && owner.Id != contactId)
            {
                await suggestions.RaiseAsync(db, contactId, owner.Id, MergeSuggestionReason.MentionedInMessage, match.Value, cancellationToken);
            }
        }

        foreach (var found in Util.FindNumbers(text, phoneOptions.Value.DefaultRegion))
        {
            var e164 = Util.Format(found.Number, PhoneNumberFormat.E164);
            var owner = await matcher.FindByPhoneAsync(db, e164, cancellationToken);
            if (owner is not null && owner.Id != contactId)
            {
                await suggestions.RaiseAsync(db, contactId, owner.Id, MergeSuggestionReason.MentionedInMessage, e164, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="text"/> is worth scanning. Most messages mention nothing: no '@' and too few digits for a
    /// phone number. The costly scans skip them.
    /// </summary>
    internal static bool MayMention([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= 10_000 && (text.Contains('@') || text.Count(char.IsAsciiDigit) >= 6);

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex EmailPattern();
}
