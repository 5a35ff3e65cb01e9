using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Pricing;

public sealed class CostEstimatorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ChannelWindow Open = new(ChannelKind.WhatsApp, true, true, Now.AddHours(3), null, false);
    private static readonly ChannelWindow Closed = new(ChannelKind.WhatsApp, true, false, Now.AddHours(-1), null, false);
    private static readonly ChannelWindow FreeEntryPoint = new(ChannelKind.WhatsApp, true, true, Now.AddHours(50), null, true);

    private CostEstimator Estimator => new(new RateCardStore(database.Factory), database.Factory);

    [Theory]
    [InlineData(null, true, true, "service")]
    [InlineData(null, false, true, "service")]
    [InlineData(TemplateCategory.Utility, true, true, "utility")]
    [InlineData(TemplateCategory.Utility, false, false, "utility")]
    [InlineData(TemplateCategory.Marketing, true, false, "marketing")]
    [InlineData(TemplateCategory.Marketing, false, false, "marketing")]
    [InlineData(TemplateCategory.Authentication, true, false, "authentication")]
    [InlineData(TemplateCategory.Authentication, false, false, "authentication")]
    public async Task EachCategory_InsideAndOutsideTheWindow_IsFreeOnlyWhereTheRulesSaySo(TemplateCategory? category, bool windowOpen, bool free, string shownAs)
    {
        var estimate = await Estimator.EstimateAsync(category, "+4915112345678", windowOpen ? Open : Closed, Now, CancellationToken.None);

        Assert.Equal(free, estimate.Free);
        Assert.Equal(shownAs, estimate.Category);
        Assert.Equal("Germany", estimate.Market);
        Assert.Equal("USD", estimate.Currency);
        Assert.Equal(free, estimate.Amount == 0);
        Assert.False(string.IsNullOrWhiteSpace(estimate.Reason));
    }

    [Theory]
    [InlineData("+4915112345678", "Germany", 0.1365)]
    [InlineData("+14155552671", "North America", 0.0250)]
    [InlineData("+447911123456", "United Kingdom", 0.0529)]
    [InlineData("+4369912345678", "Rest of Western Europe", 0.0592)]
    [InlineData("+525512345678", "Mexico", 0.0305)]
    [InlineData("+6421123456", "Rest of Asia Pacific", 0.0732)]
    [InlineData(null, "Other", 0.0604)]
    public async Task Marketing_IsPricedByTheRecipientsMarket(string? phone, string market, double rate)
    {
        var estimate = await Estimator.EstimateAsync(TemplateCategory.Marketing, phone, Closed, Now, CancellationToken.None);

        Assert.Equal(market, estimate.Market);
        Assert.Equal((decimal)rate, estimate.Amount);
    }

    [Fact]
    public async Task FreeEntryPointWindow_MakesEvenMarketingFree()
    {
        var estimate = await Estimator.EstimateAsync(TemplateCategory.Marketing, "+4915112345678", FreeEntryPoint, Now, CancellationToken.None);

        Assert.True(estimate.Free);
        Assert.Contains("free entry point", estimate.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ANewerUploadedCard_TakesOverFromItsDate_AndItsVolumeTiersLowerTheRate()
    {
        // A database of its own: the uploaded card would change every other test's prices.
        var own = new TestDatabase();
        await own.InitializeAsync();
        var estimator = new CostEstimator(new RateCardStore(own.Factory), own.Factory);
        var card = RateCardStore.ShippedCards.Single() with
        {
            EffectiveFrom = new DateOnly(2026, 11, 1),
            Markets =
            [
                new MarketRates("Germany", ["DE"], 0.2m, 0.05m, 0.07m, UtilityTiers: [new VolumeTier(0, 0.05m), new VolumeTier(2, 0.01m)]),
                new MarketRates("Other", [], 0.1m, 0.01m, 0.01m),
            ],
        };
        await using (var db = own.CreateContext())
        {
            db.RateCardVersions.Add(new RateCardVersion { Channel = "whatsapp", EffectiveFrom = card.EffectiveFrom, Card = JsonSerializer.Serialize(card, RateCard.Json), UploadedAt = Now });
            for (var i = 0; i < 2; i++)
            {
                db.Messages.Add(new Message
                {
                    Channel = ChannelKind.WhatsApp, Direction = MessageDirection.Outbound, Origin = MessageOrigin.Broadcast,
                    TemplateCategory = TemplateCategory.Utility, CostMarket = "Germany", Status = DeliveryStatus.Delivered,
                    SentAt = Now.AddDays(-1), CreatedAt = Now.AddDays(-1), StatusAt = Now.AddDays(-1), ContactId = await ContactAsync(db),
                });
            }

            await db.SaveChangesAsync();
        }

        var marketing = await estimator.EstimateAsync(TemplateCategory.Marketing, "+4915112345678", Closed, Now, CancellationToken.None);
        var utility = await estimator.EstimateAsync(TemplateCategory.Utility, "+4915112345678", Closed, Now, CancellationToken.None);
        var beforeTheNewCard = await estimator.EstimateAsync(TemplateCategory.Marketing, "+4915112345678", Closed, new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        Assert.Equal(0.2m, marketing.Amount);
        Assert.Equal(0.01m, utility.Amount);
        Assert.Equal(0.1365m, beforeTheNewCard.Amount);
        await own.DisposeAsync();
    }

    [Fact]
    public async Task ActualCost_FollowsTheProvidersBillableFlagAndCategory()
    {
        var billed = new Message { Channel = ChannelKind.WhatsApp, PricingBillable = true, PricingCategory = "marketing", CostMarket = "United Kingdom", SentAt = Now.AddMonths(-6) };
        var free = new Message { Channel = ChannelKind.WhatsApp, PricingBillable = false, PricingCategory = "service", CostMarket = "United Kingdom", SentAt = Now };
        var sms = new Message { Channel = ChannelKind.Sms, PricingBillable = true, SentAt = Now };

        Assert.Equal(52_900, await Estimator.ActualMicrosAsync(billed, CancellationToken.None));
        Assert.Equal(0, await Estimator.ActualMicrosAsync(free, CancellationToken.None));
        Assert.Null(await Estimator.ActualMicrosAsync(sms, CancellationToken.None));
    }

    [Fact]
    public void ShippedCard_IsValid() => Assert.Empty(RateCardStore.ShippedCards.Single().Problems());

    [Fact]
    public void CardWithProblems_SaysWhere()
    {
        var card = RateCardStore.ShippedCards.Single() with
        {
            Currency = "usd",
            DefaultMarket = "Nowhere",
            Markets = [new MarketRates("Germany", ["DE"], -1, 0, 0), new MarketRates("Germany", ["DE"], 0, 0, 0, UtilityTiers: [new(10, 0.1m), new(5, 0.2m)])],
        };

        var pointers = card.Problems().Select(p => p.Pointer).ToList();

        Assert.Contains("/currency", pointers);
        Assert.Contains("/defaultMarket", pointers);
        Assert.Contains("/markets/0", pointers);
        Assert.Contains("/markets/1/name", pointers);
        Assert.Contains("/markets/1/utilityTiers/1", pointers);
        Assert.Contains("/markets", pointers);
    }

    private static async Task<Guid> ContactAsync(FlowsDbContext db)
    {
        var contact = new Omnichannel.Flows.Platform.Contacts.Contact { DisplayName = "Volume", CreatedAt = Now, UpdatedAt = Now };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact.Id;
    }
}
