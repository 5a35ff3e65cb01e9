using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Web.Components.Contacts;

/// <summary>Everything of a profile page except the thread, read in one scope.</summary>
public sealed record ContactProfileState(
    ContactDetails Contact, ConversationView Conversation, IReadOnlyList<MergeSuggestionView> Suggestions, IReadOnlyList<ReplyChannel> ReplyChannels,
    IReadOnlyList<ConsentStateView> Consents)
{
    /// <returns>Null when there is no such contact; for a merged-away id, the state of the profile it was merged into.</returns>
    public static async Task<ContactProfileState?> LoadAsync(IServiceProvider services, Guid contactId, CancellationToken cancellationToken)
    {
        if (await services.GetRequiredService<ContactQueries>().GetAsync(contactId, cancellationToken) is not { } contact)
        {
            return null;
        }

        // Null when the profile was erased in the meantime.
        if (await services.GetRequiredService<ConversationHandling>().GetAsync(contact.Id, cancellationToken) is not { } conversation)
        {
            return null;
        }

        var suggestions = await services.GetRequiredService<MergeSuggestionReview>().PendingAsync(contact.Id, cancellationToken);
        var registry = services.GetRequiredService<ChannelRegistry>();
        var reachable = await services.GetRequiredService<RecipientResolver>()
            .ReachableChannelsAsync(services.GetRequiredService<FlowsDbContext>(), contact.Id, cancellationToken);
        var consents = await services.GetRequiredService<ConsentQueries>().CurrentAsync(contact.Id, cancellationToken);
        return new ContactProfileState(contact, conversation, suggestions, [.. reachable.Select(c => new ReplyChannel(c, registry.IsEnabled(c)))], consents);
    }
}
