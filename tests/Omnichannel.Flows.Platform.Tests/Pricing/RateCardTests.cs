using Omnichannel.Flows.Platform.Pricing;

namespace Omnichannel.Flows.Platform.Tests.Pricing;

public sealed class RateCardTests
{
    [Fact]
    public void Problems_CardWithoutRulesAndAMarketWithoutCountries_SaysWhereInsteadOfThrowing()
    {
        var card = RateCardStore.Parse("""
            {
              "channel": "whatsapp", "effectiveFrom": "2026-01-01", "currency": "USD", "defaultMarket": "Other",
              "markets": [
                { "name": "Germany", "marketing": 0.1, "utility": 0.05, "authentication": 0.07 },
                { "name": "Other", "countries": [], "marketing": 0.06, "utility": 0.007, "authentication": 0.007 }
              ]
            }
            """);

        var problems = card.Problems();

        Assert.Equal(["/rules", "/markets/0/countries"], problems.Select(p => p.Pointer));
    }

    [Fact]
    public void Problems_TheShippedCard_HasNone() => Assert.Empty(RateCardStore.ShippedCards.Single().Problems());
}
