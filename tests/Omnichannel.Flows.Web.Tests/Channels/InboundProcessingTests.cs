using System.Globalization;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Telegram;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Deliveries are processed several to a transaction: one that fails must not take the others with it.</summary>
public sealed class InboundProcessingTests(PoisonedTelegramAppFactory app) : IClassFixture<PoisonedTelegramAppFactory>
{
    [Fact]
    public async Task DeliveryThatFailsWhileProcessing_IsRolledBackAlone_AndKeptForARetry()
    {
        var client = app.CreateClient();
        var (goodChat, otherChat) = (TelegramPayloads.NewUserId(), TelegramPayloads.NewUserId());
        var now = app.Clock.GetUtcNow();

        var answers = await Task.WhenAll(
            client.PostTelegramAsync(TelegramPayloads.Text(goodChat, TelegramPayloads.NewMessageId(), now, "first, fine"), app.Secrets.TelegramSecretToken),
            client.PostTelegramAsync(TelegramPayloads.Text(TelegramPayloads.NewUserId(), TelegramPayloads.NewMessageId(), now, PoisonedTelegramAppFactory.Poison), app.Secrets.TelegramSecretToken),
            client.PostTelegramAsync(TelegramPayloads.Text(otherChat, TelegramPayloads.NewMessageId(), now, "third, fine"), app.Secrets.TelegramSecretToken));
        await app.WaitForInboundProcessingAsync();

        Assert.All(answers, a => a.EnsureSuccessStatusCode());
        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.Messages.AnyAsync(m => m.Text == "first, fine"));
        Assert.True(await db.Messages.AnyAsync(m => m.Text == "third, fine"));
        Assert.False(await db.Messages.AnyAsync(m => m.Text == PoisonedTelegramAppFactory.Poison));
        var poisoned = await db.InboundEvents.SingleAsync(e => e.Channel == ChannelKind.Telegram && e.Error != null);
        Assert.Equal(InboundEventState.Pending, poisoned.State);
        Assert.Equal(1, poisoned.Attempts);
        Assert.True(poisoned.LockedUntil > app.Clock.GetUtcNow().UtcDateTime, "A failed delivery waits before it is tried again.");
        Assert.Equal(2, await db.ChannelIdentities.CountAsync(i => i.Channel == ChannelKind.Telegram &&
            (i.ExternalId == goodChat.ToString(CultureInfo.InvariantCulture) || i.ExternalId == otherChat.ToString(CultureInfo.InvariantCulture))));
    }
}

/// <summary>
/// The app with a Telegram parser that turns one marked message into an item the database refuses (an identity without
/// an id), as a bug in a channel's parser would.
/// </summary>
public class PoisonedTelegramAppFactory : FlowsAppFactory
{
    public const string Poison = "this one breaks processing";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddKeyedSingleton<IInboundChannel>(ChannelKind.Telegram,
            (sp, _) => new PoisonedChannel(sp.GetRequiredService<TelegramInboundChannel>())));
    }

    private sealed class PoisonedChannel(TelegramInboundChannel real) : IInboundChannel
    {
        public ChannelKind Channel => real.Channel;

        public WebhookVerdict Inspect(WebhookRequest request) => real.Inspect(request);

        public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) =>
            [.. real.Parse(delivery).Select(item => item is InboundMessage { Text: Poison } message
                ? message with { Customer = message.Customer with { ExternalId = null! } }
                : item)];
    }
}
