using System.Text;
using MimeKit.Text;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>Reduces an HTML-only mail to readable text (MimeKit's tokenizer): no markup, scripts or styles.</summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> LineBreaks =
        [HtmlTagId.Br, HtmlTagId.P, HtmlTagId.Div, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3, HtmlTagId.BlockQuote];

    private static readonly HashSet<HtmlTagId> Hidden = [HtmlTagId.Script, HtmlTagId.Style, HtmlTagId.Head, HtmlTagId.Title];

    public static string? ToPlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        var text = new StringBuilder();
        var hiddenDepth = 0;
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when Hidden.Contains(tag.Id):
                    hiddenDepth = Math.Max(0, hiddenDepth + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    break;
                case HtmlTagToken tag when LineBreaks.Contains(tag.Id) && (tag.IsEndTag || tag.Id == HtmlTagId.Br):
                    text.Append('\n');
                    break;
                case HtmlDataToken data when hiddenDepth == 0:
                    text.Append(data.Data);
                    break;
            }
        }

        var lines = text.ToString().Split('\n').Select(line => string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        var result = string.Join('\n', lines.Where(line => line.Length > 0));
        return result.Length == 0 ? null : result;
    }
}
