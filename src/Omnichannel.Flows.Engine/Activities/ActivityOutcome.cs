namespace Omnichannel.Flows.Engine.Activities;

/// <summary>How a step ended.</summary>
public enum OutcomeKind
{
    /// <summary>Follow the connections of <see cref="ActivityOutcome.Port"/>.</summary>
    Continue,

    /// <summary>Wait on <see cref="ActivityOutcome.Bookmarks"/>; the first one to fire resumes the node.</summary>
    Suspend,

    /// <summary>Finish the whole instance now (other branches and waits are dropped).</summary>
    End,

    /// <summary>The step failed; the instance is faulted with <see cref="ActivityOutcome.Error"/> and can be retried.</summary>
    Fault,
}

/// <summary>What an activity returns from a step.</summary>
public readonly struct ActivityOutcome
{
    private ActivityOutcome(OutcomeKind kind, string? port, BookmarkRequest[]? bookmarks, string? error)
    {
        Kind = kind;
        Port = port;
        Bookmarks = bookmarks ?? [];
        Error = error;
    }

    public OutcomeKind Kind { get; }

    public string? Port { get; }

    public IReadOnlyList<BookmarkRequest> Bookmarks { get; }

    public string? Error { get; }

    /// <summary>Continue through <c>done</c>.</summary>
    public static ActivityOutcome Done { get; } = new(OutcomeKind.Continue, Activities.Ports.Done, null, null);

    public static ActivityOutcome Continue(string port) => new(OutcomeKind.Continue, port, null, null);

    /// <summary>Suspend on one or more bookmarks (e.g. a reply, or its timeout); they form one group: the first wins.</summary>
    public static ActivityOutcome Suspend(params BookmarkRequest[] bookmarks) =>
        bookmarks.Length == 0 ? throw new ArgumentException("Suspend needs at least one bookmark.", nameof(bookmarks)) : new(OutcomeKind.Suspend, null, bookmarks, null);

    public static ActivityOutcome End() => new(OutcomeKind.End, null, null, null);

    public static ActivityOutcome Fault(string error) => new(OutcomeKind.Fault, null, null, error);
}

/// <summary>The port names built-in activities use.</summary>
public static class Ports
{
    public const string Done = "done";
    public const string True = "true";
    public const string False = "false";
    public const string Default = "default";
    public const string Replied = "replied";
    public const string TimedOut = "timedOut";
    public const string Failed = "failed";
}
