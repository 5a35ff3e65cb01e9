using System.Collections.Frozen;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>
/// The activity catalog: the engine's built-ins plus whatever the platform registers (channel sends, tags,
/// assignment, "message received"…). Built once at start; the designer's palette and the validator read it.
/// </summary>
public sealed class ActivityRegistry
{
    private readonly FrozenDictionary<string, IActivity> byType;

    public ActivityRegistry(IEnumerable<IActivity> activities)
    {
        var all = activities.ToList();
        var duplicate = all.GroupBy(a => a.Descriptor.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two activities are registered as '{duplicate.Key}'.", nameof(activities));
        }

        byType = all.ToFrozenDictionary(a => a.Descriptor.Type, StringComparer.Ordinal);
        Descriptors = all.Select(a => a.Descriptor)
            .OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.DisplayName, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every descriptor, by category then display name: the <c>GET /api/activities</c> catalog.</summary>
    public IReadOnlyList<ActivityDescriptor> Descriptors { get; }

    public bool TryGet(string type, out IActivity activity) => byType.TryGetValue(type, out activity!);
}
