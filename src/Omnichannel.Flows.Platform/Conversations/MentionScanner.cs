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

        foreach (var email in MentionedEmails(text))
        {
            var owner = await matcher.FindByEmailAsync(db, EmailAddresses.Normalize(email), cancellationToken);
            if (owner is not null && owner.Id != contactId)
            {
                await suggestions.RaiseAsync(db, contactId, owner.Id, MergeSuggestionReason.MentionedInMessage, email, cancellationToken);
            }
        }

        foreach (var e164 in MentionedPhones(text))
        {
            var owner = await matcher.FindByPhoneAsync(db, e164, cancellationToken);
            if (owner is not null && owner.Id != contactId)
            {
                await suggestions.RaiseAsync(db, contactId, owner.Id, MergeSuggestionReason.MentionedInMessage, e164, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="text"/> mentions an email address or a phone number, which <see cref="ScanAsync"/> looks
    /// up. An order number or a date does not: most texts with digits mention nothing.
    /// </summary>
    internal bool Mentions(string? text) => MayMention(text) && (MentionedEmails(text).Any() || MentionedPhones(text).Any());

    private static IEnumerable<string> MentionedEmails(string text) =>
        text.Contains('@') ? EmailPattern().Matches(text).Select(match => match.Value) : [];

    /// <summary>The phone numbers <paramref name="text"/> mentions, in E.164, as read in the default region.</summary>
    private IEnumerable<string> MentionedPhones(string text) =>
        Util.FindNumbers(text, phoneOptions.Value.DefaultRegion).Select(found => Util.Format(found.Number, PhoneNumberFormat.E164));

    /// <summary>
    /// Whether <paramref name="text"/> is worth scanning. Most messages mention nothing: no '@' and too few digits for a
    /// phone number. The costly scans skip them.
    /// </summary>
    internal static bool MayMention([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= 10_000 && (text.Contains('@') || text.Count(char.IsAsciiDigit) >= 6);

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex EmailPattern();
}
