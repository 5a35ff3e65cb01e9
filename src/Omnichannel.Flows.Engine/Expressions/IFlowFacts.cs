namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// The facts a flow's conditions and Liquid texts read, by dotted path: <c>contact.first_name</c>, <c>contact.tags</c>,
/// <c>contact.fields.plan</c>, <c>message.text</c>, <c>message.channel</c>, <c>window.whatsapp.open</c>,
/// <c>conversation.assigned</c>… The platform implements it (lazily, from what it has loaded for the contact and the
/// message); the engine adds <c>flow.*</c> (the instance's variables) and <c>trigger.*</c> (the trigger's payload).
/// </summary>
public interface IFlowFacts
{
    /// <summary>The value at <paramref name="path"/>; false (or <see cref="FactKind.None"/>) when there is none.</summary>
    bool TryGetValue(string path, out FactValue value);
}

/// <summary>Facts from a dictionary of paths — for tests, previews and simple callers.</summary>
public sealed class DictionaryFlowFacts(IReadOnlyDictionary<string, FactValue> facts) : IFlowFacts
{
    /// <summary>No facts at all.</summary>
    public static IFlowFacts Empty { get; } = new DictionaryFlowFacts(new Dictionary<string, FactValue>());

    public bool TryGetValue(string path, out FactValue value) => facts.TryGetValue(path, out value);
}
