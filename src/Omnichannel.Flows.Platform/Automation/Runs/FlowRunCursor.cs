using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// Where a page of runs ended: the last run's creation time and id, as an opaque URL-safe text
/// (<see cref="FlowRunPage.Next"/>) that the next request passes back as <c>before</c>.
/// </summary>
public sealed record FlowRunCursor(DateTime CreatedAt, string Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.Ticks}|{Id}")));

    /// <returns>False when <paramref name="text"/> is not a cursor this API handed out.</returns>
    public static bool TryDecode(string text, [NotNullWhen(true)] out FlowRunCursor? cursor)
    {
        cursor = null;
        if (!Base64Url.IsValid(text))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        var separator = decoded.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || separator == decoded.Length - 1
            || !long.TryParse(decoded.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        cursor = new FlowRunCursor(new DateTime(ticks, DateTimeKind.Utc), decoded[(separator + 1)..]);
        return true;
    }
}
