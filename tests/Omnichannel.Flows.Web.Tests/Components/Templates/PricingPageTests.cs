using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using static Omnichannel.Flows.Web.Tests.Components.Templates.TemplateTestSteps;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

/// <summary>The rate card page, on a host of its own: an uploaded card changes prices for everything on that host.</summary>
public sealed class PricingPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    private static RateCard Shipped => RateCardStore.ShippedCards.Single();

    [Fact]
    public async Task RateCardUpload_WithProblems_ListsEachByItsPointerAndStoresNothing()
    {
        var page = await RenderAsAdminAsync();
        var storedBefore = await StoredCardsAsync();
        var card = Shipped with
        {
            Currency = "dollars",
            Markets = [.. Shipped.Markets.Select((m, i) => i == 0 ? m with { Countries = null! } : m)],
        };

        Upload(page, JsonSerializer.Serialize(card, RateCard.Json));

        page.WaitForAssertion(() => Assert.Equal(
            ["/currency An ISO 4217 code in capitals, e.g. USD.", "/markets/0/countries A list of ISO 3166 country codes (empty for a market that only serves as the default)."],
            page.FindAll("[data-testid=rate-card-error]").Select(e => e.TextContent.Trim())), Eventually);
        Assert.Contains("Invalid rate card", page.Find("[data-testid=rate-card-errors]").TextContent);
        Assert.Equal(storedBefore, await StoredCardsAsync());
    }

    [Fact]
    public async Task RateCardUpload_NotACard_SaysWhereTheJsonIsWrong()
    {
        var page = await RenderAsAdminAsync();

        Upload(page, """{ "markets": 3 }""");

        page.WaitForAssertion(() => Assert.Contains("Not a rate card", page.Find("[data-testid=rate-card-errors]").TextContent), Eventually);
        Assert.StartsWith("/markets ", page.Find("[data-testid=rate-card-error]").TextContent.Trim());
    }

    [Fact]
    public async Task RateCardUpload_ACorrectedCardOfTheSameDate_IsInForceAndShown()
    {
        var page = await RenderAsAdminAsync();
        Assert.Equal("2025-07-01", page.Find("[data-testid=rate-card-effective]").TextContent.Trim());
        Assert.Equal("USD", page.Find("[data-testid=rate-card-currency]").TextContent.Trim());
        Assert.Contains("0.1365", GermanyRow(page));
        var corrected = Shipped with { Markets = [.. Shipped.Markets.Select(m => m.Name == "Germany" ? m with { Marketing = 0.2m } : m)] };

        Upload(page, JsonSerializer.Serialize(corrected, RateCard.Json));

        page.WaitForAssertion(() => Assert.Equal("Stored the card from card.json: it is in force now.",
            page.Find("[data-testid=rate-card-uploaded]").TextContent.Trim()), Eventually);
        Assert.Contains("0.2000", GermanyRow(page));
        Assert.Empty(page.FindAll("[data-testid=rate-card-errors]"));
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(Shipped.EffectiveFrom, (await db.RateCardVersions.SingleAsync()).EffectiveFrom);
    }

    [Fact]
    public async Task RateCard_MarketsOfManyCountries_ShowHowManyAndTheDefaultMarketServesAllOthers()
    {
        var page = await RenderAsAdminAsync();
        var restOfAfrica = Shipped.Markets.Single(m => m.Name == "Rest of Africa");

        Assert.Equal("DE", CountriesOf(page, "Germany"));
        Assert.Equal($"{restOfAfrica.Countries.Count} countries", CountriesOf(page, "Rest of Africa"));
        Assert.Equal("all others", CountriesOf(page, $"{Shipped.DefaultMarket} (default)"));
    }

    private static string CountriesOf(IRenderedComponent<PricingPage> page, string market) =>
        page.FindAll("[data-testid=rate-card-market]").Single(r => r.QuerySelector("td")!.TextContent.Trim() == market)
            .QuerySelector(".rate-card-countries")!.TextContent.Trim();

    private async Task<IRenderedComponent<PricingPage>> RenderAsAdminAsync()
    {
        await SignInAsAdminAsync();
        var page = Render<PricingPage>();
        page.WaitForElement("[data-testid=rate-card-markets]", Eventually);
        return page;
    }

    private async Task<int> StoredCardsAsync()
    {
        await using var db = await App.CreateDbContextAsync();
        return await db.RateCardVersions.CountAsync();
    }

    private static void Upload(IRenderedComponent<PricingPage> page, string json) =>
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(json, "card.json"));

    private static string GermanyRow(IRenderedComponent<PricingPage> page) =>
        page.FindAll("[data-testid=rate-card-market]").Single(r => r.TextContent.Contains("Germany", StringComparison.Ordinal)).TextContent;
}
