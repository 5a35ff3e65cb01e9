namespace Omnichannel.Flows.Engine.Activities;

/// <summary>A bookmark is a timer (a due time) or an event (a name and a correlation key, e.g. a contact id).</summary>
public enum BookmarkKind
{
    Timer,
    Event,
}

/// <summary>What an activity asks to wait for; the runner turns it into a persisted <see cref="Running.Bookmark"/>.</summary>
/// <param name="Port">The port the node continues through when this bookmark fires.</param>
public readonly record struct BookmarkRequest(BookmarkKind Kind, string Port, DateTimeOffset? DueAt, string? EventName, string? CorrelationKey)
{
    public static BookmarkRequest Timer(DateTimeOffset dueAt, string port) => new(BookmarkKind.Timer, port, dueAt, null, null);

    /// <summary>Waits for <paramref name="eventName"/> about <paramref name="correlationKey"/> (e.g. <c>message.received</c> from a contact).</summary>
    public static BookmarkRequest Event(string eventName, string correlationKey, string port) => new(BookmarkKind.Event, port, null, eventName, correlationKey);
}
