using System.Net.Mail;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Email addresses are matched trimmed and lower-cased.</summary>
public static class EmailAddresses
{
    /// <summary>The normalised address, or null when <paramref name="raw"/> is not an address.</summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Trim();
        if (!MailAddress.TryCreate(text, out var address) || address.Address.Length > 254)
        {
            return null;
        }

        return address.Address.ToLowerInvariant();
    }
}
