using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>Something happened in a customer's thread (published after it was committed).</summary>
public abstract record ConversationEvent(Guid ContactId);

public sealed record MessageRecorded(Guid ContactId, Guid MessageId, ChannelKind Channel, MessageDirection Direction) : ConversationEvent(ContactId);

public sealed record MessageStatusChanged(Guid ContactId, Guid MessageId, ChannelKind Channel, DeliveryStatus Status) : ConversationEvent(ContactId);

public sealed record ContactsMerged(Guid ContactId, Guid SourceContactId) : ConversationEvent(ContactId);

/// <summary>The customer opted in or out on a channel (a keyword, a button, a provider's error, an agent).</summary>
public sealed record ConsentChanged(Guid ContactId, ChannelKind Channel, ConsentScope Scope, bool OptedIn, ConsentSource Source, Guid ChangeId)
    : ConversationEvent(ContactId)
{
    public static ConsentChanged Of(ConsentChange change) =>
        new(change.ContactId, change.Channel, change.Scope, change.OptedIn, change.Source, change.Id);
}

/// <summary>The customer's message <paramref name="MessageId"/> was a help keyword (SMS HELP / INFO).</summary>
public sealed record ConsentHelpRequested(Guid ContactId, ChannelKind Channel, Guid MessageId) : ConversationEvent(ContactId);

/// <summary>
/// In-process notifications for live views (inbox, simulator, web chat hub). Each instance sees its own events; scaled
/// out, the SignalR backplane carries them to clients (see README).
/// </summary>
public sealed class ConversationEvents(ILogger<ConversationEvents> logger)
{
    private readonly Lock gate = new();
    private ImmutableSubscribers subscribers = new([]);

    public IDisposable Subscribe(Action<ConversationEvent> handler)
    {
        lock (gate)
        {
            subscribers = new ImmutableSubscribers([.. subscribers.Handlers, handler]);
        }

        return new Subscription(this, handler);
    }

    public void Publish(ConversationEvent conversationEvent)
    {
        foreach (var handler in subscribers.Handlers)
        {
            try
            {
                handler(conversationEvent);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "A subscriber failed on {Event}", conversationEvent);
            }
        }
    }

    private void Unsubscribe(Action<ConversationEvent> handler)
    {
        lock (gate)
        {
            subscribers = new ImmutableSubscribers([.. subscribers.Handlers.Where(h => h != handler)]);
        }
    }

    private sealed record ImmutableSubscribers(Action<ConversationEvent>[] Handlers);

    private sealed class Subscription(ConversationEvents owner, Action<ConversationEvent> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}
