using MimeKit.Utils;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// Message-IDs as we store and compare them: always in angle brackets (<c>&lt;id@host&gt;</c>), whether they came from a
/// header (parsed with MimeKit) or are ours. Threading matches on these exact strings.
/// </summary>
public static class EmailMessageIds
{
    /// <summary>The message id in a Message-ID or In-Reply-To header value, bracketed; null when there is none.</summary>
    public static string? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var id = MimeUtils.EnumerateReferences(header).FirstOrDefault() ?? MimeUtils.ParseMessageId(header);
        return string.IsNullOrWhiteSpace(id) ? null : Bracket(id);
    }

    /// <summary>The ids in a References header, oldest first, bracketed.</summary>
    public static IReadOnlyList<string> ParseList(string? header) =>
        string.IsNullOrWhiteSpace(header) ? [] : [.. MimeUtils.EnumerateReferences(header).Select(Bracket).Distinct()];

    public static string Bracket(string id) => $"<{Unbracket(id)}>";

    /// <summary>The bare id MimeKit's properties take (they add the brackets when writing the header).</summary>
    public static string Unbracket(string id) => id.Trim().TrimStart('<').TrimEnd('>');
}
