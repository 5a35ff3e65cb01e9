using PhoneNumbers;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>
/// The pricing market of a recipient follows from the country calling code of their number (Meta prices by calling
/// code: every +44 number is in the United Kingdom's market, Guernsey's included).
/// </summary>
public static class PricingMarkets
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The main ISO 3166 region of an E.164 number's calling code (<c>DE</c>), or null when it cannot be told.</summary>
    public static string? CountryOf(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164))
        {
            return null;
        }

        try
        {
            var number = Util.Parse(e164.StartsWith('+') ? e164 : "+" + e164, null);
            var region = Util.GetRegionCodeForCountryCode(number.CountryCode);
            return region is null or "ZZ" or "001" ? null : region;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
