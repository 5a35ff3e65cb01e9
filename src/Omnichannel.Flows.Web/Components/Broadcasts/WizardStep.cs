namespace Omnichannel.Flows.Web.Components.Broadcasts;

/// <summary>The wizard's steps, in order.</summary>
public enum WizardStep
{
    Details,
    Audience,
    Content,
    Send,
}

/// <summary>
/// The platform's validation errors (JSON pointer → messages) as the wizard shows them: next to the field a pointer
/// names, and the step that field is on.
/// </summary>
public sealed class DefinitionErrors(IReadOnlyDictionary<string, string[]>? errors)
{
    public static readonly DefinitionErrors None = new(null);

    private readonly IReadOnlyDictionary<string, string[]> errors = errors ?? new Dictionary<string, string[]>();

    public bool Any => errors.Count > 0;

    public bool Has(string pointer) => For(pointer) is not null;

    /// <summary>The messages for exactly <paramref name="pointer"/>, or null.</summary>
    public string? For(string pointer) => errors.TryGetValue(pointer, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;

    /// <summary>The messages for <paramref name="pointer"/> and everything inside it (<c>/audience/tags</c> → <c>/audience/tags/0</c>), or null.</summary>
    public string? Under(string pointer)
    {
        var messages = errors.Where(e => e.Key == pointer || e.Key.StartsWith(pointer + "/", StringComparison.Ordinal)).SelectMany(e => e.Value).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>The first step that has an error, to go back to.</summary>
    public WizardStep? FirstStep => errors.Keys.Select(StepOf).OrderBy(s => s).Cast<WizardStep?>().FirstOrDefault();

    public bool On(WizardStep step) => errors.Keys.Any(k => StepOf(k) == step);

    /// <summary>Errors of <paramref name="step"/> that no field of it shows (<paramref name="shown"/> are the pointers it shows, with what is inside them).</summary>
    public IEnumerable<string> Unshown(WizardStep step, params string[] shown) =>
        errors.Where(e => StepOf(e.Key) == step && !shown.Any(s => e.Key == s || e.Key.StartsWith(s + "/", StringComparison.Ordinal))).SelectMany(e => e.Value);

    public static WizardStep StepOf(string pointer) => pointer switch
    {
        _ when pointer.StartsWith("/audience", StringComparison.Ordinal) || pointer.StartsWith("/channels", StringComparison.Ordinal) => WizardStep.Audience,
        _ when pointer.StartsWith("/content", StringComparison.Ordinal) => WizardStep.Content,
        "/name" or "/purpose" => WizardStep.Details,
        _ => WizardStep.Send,
    };
}
