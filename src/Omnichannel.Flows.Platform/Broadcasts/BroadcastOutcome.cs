namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>What a broadcast operation gives back: its value, or why it was refused. The API and the UI both read it.</summary>
public sealed record BroadcastOutcome<T>(T? Value, BroadcastRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static implicit operator BroadcastOutcome<T>(T value) => new(value, null);

    public static implicit operator BroadcastOutcome<T>(BroadcastRefusal refusal) => new(default, refusal);
}

public enum BroadcastRefusalKind
{
    NotFound,

    /// <summary>Values at fault, each by its JSON pointer (<see cref="BroadcastRefusal.Errors"/>).</summary>
    Invalid,

    /// <summary>The broadcast's state (or its cost) does not allow it now.</summary>
    Conflict,

    /// <summary>Valid, but it cannot be done (e.g. the test contact would be skipped).</summary>
    Unprocessable,
}

/// <param name="Pointer">Where the problem is (a JSON pointer such as <c>/state</c> or <c>/confirmTotal</c>).</param>
/// <param name="Errors">For <see cref="BroadcastRefusalKind.Invalid"/>: JSON pointer → problems.</param>
/// <param name="Estimate">When the cost changed since it was confirmed: the estimate as it is now.</param>
public sealed record BroadcastRefusal(
    BroadcastRefusalKind Kind, string Title, string? Detail, string? Pointer = null, IReadOnlyDictionary<string, string[]>? Errors = null,
    BroadcastEstimate? Estimate = null)
{
    public const string CompleteFirst = "Complete the broadcast first: these parts are missing or no longer valid.";

    public static BroadcastRefusal NotFound(string detail) => new(BroadcastRefusalKind.NotFound, "Not found", detail);

    public static BroadcastRefusal Invalid(string pointer, string message) =>
        new(BroadcastRefusalKind.Invalid, "Invalid", message, pointer, new Dictionary<string, string[]> { [pointer] = [message] });

    public static BroadcastRefusal Invalid(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        new(BroadcastRefusalKind.Invalid, "Invalid", detail, null, errors);

    public static BroadcastRefusal Conflict(string title, string detail, string pointer, BroadcastEstimate? estimate = null) =>
        new(BroadcastRefusalKind.Conflict, title, detail, pointer, null, estimate);

    public static BroadcastRefusal Unprocessable(string title, string detail, string pointer) =>
        new(BroadcastRefusalKind.Unprocessable, title, detail, pointer);

    /// <summary>Every problem by its pointer: the validation errors, or the one problem at <see cref="Pointer"/>.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors =>
        Errors ?? (Pointer is not null ? new Dictionary<string, string[]> { [Pointer] = [Detail ?? Title] } : new Dictionary<string, string[]>());
}
