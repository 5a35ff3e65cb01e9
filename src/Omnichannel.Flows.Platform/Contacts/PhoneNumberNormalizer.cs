using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary><c>Phone:*</c>.</summary>
public sealed class PhoneOptions
{
    public const string Section = "Phone";

    /// <summary>ISO 3166 region for numbers written without a country code (e.g. "DE").</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string DefaultRegion { get; set; } = "US";
}

/// <summary>
/// Normalises phone numbers to E.164 and computes the key under which the forms one number takes across channels
/// match: WhatsApp ids are digits without '+', Mexican mobiles arrive as +52 1 … on WhatsApp and +52 … by SMS, and
/// Brazilian mobiles may come with or without the ninth digit.
/// </summary>
public sealed class PhoneNumberNormalizer(IOptions<PhoneOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>E.164 (<c>+4915112345678</c>), or null when <paramref name="raw"/> is not a possible number.</summary>
    public string? Normalize(string? raw, string? region = null)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Trim();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        if (text.StartsWith('+'))
        {
            text = WithoutMexicanMobilePrefix("+" + new string(text.Where(char.IsAsciiDigit).ToArray()));
        }

        try
        {
            var number = Util.Parse(text, region ?? options.Value.DefaultRegion);
            if (!Util.IsPossibleNumber(number))
            {
                return null;
            }

            return WithoutMexicanMobilePrefix(Util.Format(number, PhoneNumberFormat.E164));
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>A WhatsApp <c>wa_id</c> / <c>from</c> (digits, no '+') as E.164 in its SMS form.</summary>
    public string? FromWhatsAppId(string? waId) =>
        string.IsNullOrWhiteSpace(waId) || !waId.All(char.IsAsciiDigit) ? null : Normalize("+" + waId);

    /// <summary>The key two forms of one number share. Input is E.164.</summary>
    public static string MatchKey(string e164)
    {
        var key = WithoutMexicanMobilePrefix(e164);
        // Brazil: +55, two-digit area code, then a mobile's 9 + 8 digits; older forms lack the 9.
        if (key.StartsWith("+55", StringComparison.Ordinal) && key.Length == 14 && key[5] == '9')
        {
            key = key[..5] + key[6..];
        }

        return key;
    }

    // Mexico dropped the mobile '1' after the country code in 2019; WhatsApp ids still carry it (521 + 10 digits).
    private static string WithoutMexicanMobilePrefix(string e164) =>
        e164.StartsWith("+521", StringComparison.Ordinal) && e164.Length == 14 ? "+52" + e164[4..] : e164;
}
