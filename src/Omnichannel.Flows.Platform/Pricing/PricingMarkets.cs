using PhoneNumbers;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>The pricing market of a recipient follows from the country calling code of their number.</summary>
public static class PricingMarkets
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>ISO 3166 region of an E.164 number (<c>DE</c>), or null when it cannot be told.</summary>
    public static string? CountryOf(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164))
        {
            return null;
        }

        try
        {
            var region = Util.GetRegionCodeForNumber(Util.Parse(e164.StartsWith('+') ? e164 : "+" + e164, null));
            return region is null or "ZZ" ? null : region;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
