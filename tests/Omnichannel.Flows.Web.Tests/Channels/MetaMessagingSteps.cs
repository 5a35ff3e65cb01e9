using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Steps the Messenger/Instagram tests share.</summary>
public static class MetaMessagingSteps
{
    public const string SendPath = "/v24.0/me/messages";

    /// <summary>The Send API's answer to an accepted send.</summary>
    public static FakeResponse SendAnswer(string customer, string mid) =>
        FakeResponse.Json($$"""{ "recipient_id": "{{customer}}", "message_id": "{{mid}}" }""");

    /// <summary>An agent replies on <paramref name="channel"/>; the Send API answers with <paramref name="answers"/> in turn.</summary>
    /// <returns>The queued message's id.</returns>
    public static async Task<Guid> AgentRepliesAsync(this FlowsAppFactory app, MetaChannelUnderTest channel, Guid contactId, string text,
        params FakeResponse[] answers)
    {
        app.Provider.Respond(SendPath, answers);
        var admin = await app.CreateAdminClientAsync();
        return await admin.AgentRepliesAsync(contactId, text, channel.Name);
    }

    /// <returns>The contact id the customer's message landed on.</returns>
    public static async Task<Guid> CustomerWritesAsync(this FlowsAppFactory app, MetaChannelUnderTest channel, string customer, string text,
        DateTimeOffset? sentAt = null)
    {
        var item = MetaPayloads.Text(customer, MetaPayloads.NewMid(), sentAt ?? app.Clock.GetUtcNow(), text);
        (await channel.PostAsync(app.CreateClient(), item)).EnsureSuccessStatusCode();
        await app.WaitForInboundProcessingAsync();
        return await app.ContactOfAsync(channel, customer) ?? throw new InvalidOperationException($"No contact for {customer}.");
    }

    public static async Task<Guid?> ContactOfAsync(this FlowsAppFactory app, MetaChannelUnderTest channel, string customer)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.ChannelIdentities.Where(i => i.Channel == channel.Channel && i.ExternalId == customer)
            .Select(i => (Guid?)i.ContactId).SingleOrDefaultAsync();
    }
}
