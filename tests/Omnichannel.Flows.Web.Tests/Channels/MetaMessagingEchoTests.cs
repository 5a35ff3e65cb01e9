using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using static Omnichannel.Flows.Web.Tests.Channels.MetaMessagingSteps;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>
/// Meta echoes every message the Page or account sends, ours included. Our own sends must show once, whichever comes
/// first: the send's answer or its echo (Instagram's may beat the answer and carries no metadata).
/// </summary>
public sealed class MetaMessagingEchoTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task OwnSend_EchoedAfterTheAnswer_IsStoredOnce(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var contactId = await app.CustomerWritesAsync(channel, customer, "hello");
        var mid = MetaPayloads.NewMid();
        var messageId = await app.AgentRepliesAsync(channel, contactId, "We will call you back.", SendAnswer(customer, mid));
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        await channel.PostAsync(app.CreateClient(), Echo(name, customer, mid, "We will call you back.", messageId));
        await app.WaitForInboundProcessingAsync();

        await AssertStoredOnceAsync(contactId, messageId, mid);
    }

    [Theory]
    [InlineData("messenger")]
    [InlineData("instagram")]
    public async Task OwnSend_EchoedBeforeTheAnswer_IsStoredOnce(string name)
    {
        var channel = MetaChannelUnderTest.For(app, name);
        var customer = MetaPayloads.NewScopedId();
        var (contactId, messageId, mid, answer) = await ReplyAwaitingTheAnswerAsync(channel, customer, "Your table is booked.");

        // The send is with Meta, its answer still on the way, when the echo arrives.
        await channel.PostAsync(app.CreateClient(), Echo(name, customer, mid, "Your table is booked.", messageId));
        await app.WaitForInboundProcessingAsync();
        await AssertStoredOnceAsync(contactId, messageId, mid, DeliveryStatus.Sending);
        answer.SetResult();
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        await AssertStoredOnceAsync(contactId, messageId, mid);
    }

    [Fact]
    public async Task EchoStoredBeforeTheAnswer_IsFoldedIntoOurMessageWhenTheAnswerComes()
    {
        var channel = MetaChannelUnderTest.For(app, "instagram");
        var customer = MetaPayloads.NewScopedId();
        var (contactId, messageId, mid, answer) = await ReplyAwaitingTheAnswerAsync(channel, customer, "See you  tomorrow");

        // Meta changed the text on its way (white space), so the echo cannot be told from an outside send: stored on its own.
        await channel.PostAsync(app.CreateClient(), MetaPayloads.Echo(customer, mid, app.Clock.GetUtcNow(), "See you tomorrow"));
        await app.WaitForInboundProcessingAsync();
        await using (var db = await app.CreateDbContextAsync())
        {
            Assert.True(await db.Messages.AnyAsync(m => m.ExternalId == mid && m.Id != messageId));
        }

        answer.SetResult();
        await app.WaitForMessageAsync(messageId, m => m.Status == DeliveryStatus.Sent);

        await AssertStoredOnceAsync(contactId, messageId, mid);
    }

    [Fact]
    public async Task DeliveryBeforeTheEchoOfAnOutsideSend_IsAppliedWhenTheEchoArrives()
    {
        var channel = MetaChannelUnderTest.For(app, "messenger");
        var customer = MetaPayloads.NewScopedId();
        await app.CustomerWritesAsync(channel, customer, "hello");
        var mid = MetaPayloads.NewMid();
        var webhook = app.CreateClient();

        await channel.PostAsync(webhook, MetaPayloads.Delivery(customer, app.Clock.GetUtcNow(), mid));
        await app.WaitForInboundProcessingAsync();
        await channel.PostAsync(webhook, MetaPayloads.Echo(customer, mid, app.Clock.GetUtcNow().AddSeconds(-1), "sent from Business Suite"));
        await app.WaitForInboundProcessingAsync();

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(DeliveryStatus.Delivered, (await db.Messages.SingleAsync(m => m.ExternalId == mid)).Status);
        Assert.False(await db.PendingDeliveryStatuses.AnyAsync(s => s.ExternalId == mid));
    }

    /// <summary>An agent replies; Meta has the request but holds its answer until <c>Answer</c> is completed.</summary>
    private async Task<(Guid ContactId, Guid MessageId, string Mid, TaskCompletionSource Answer)> ReplyAwaitingTheAnswerAsync(
        MetaChannelUnderTest channel, string customer, string text)
    {
        var contactId = await app.CustomerWritesAsync(channel, customer, "hello");
        var mid = MetaPayloads.NewMid();
        var answer = new TaskCompletionSource();
        var messageId = await app.AgentRepliesAsync(channel, contactId, text, SendAnswer(customer, mid) with { Hold = answer.Task });
        await app.Provider.WaitForRequestAsync(r => r.Body.Contains(customer, StringComparison.Ordinal));
        return (contactId, messageId, mid, answer);
    }

    /// <summary>Messenger echoes carry the metadata we sent; Instagram's do not.</summary>
    private string Echo(string name, string customer, string mid, string text, Guid messageId) =>
        MetaPayloads.Echo(customer, mid, app.Clock.GetUtcNow(), text, name == "messenger" ? messageId.ToString() : null);

    private async Task AssertStoredOnceAsync(Guid contactId, Guid messageId, string mid, DeliveryStatus status = DeliveryStatus.Sent)
    {
        await using var db = await app.CreateDbContextAsync();
        var outbound = await db.Messages.Where(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound).ToListAsync();
        var message = Assert.Single(outbound);
        Assert.Equal(messageId, message.Id);
        Assert.Equal(mid, message.ExternalId);
        Assert.Equal(status, message.Status);
    }
}
