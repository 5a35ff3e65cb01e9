using System.Text.Json;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>What a manual start did.</summary>
public enum ManualStartOutcome { Started, NotLive, NoManualTrigger, NoSuchContact, PayloadNotAnObject, AlreadyRunning, NotStarted }

/// <param name="Run">The new run as it stands after its first steps; null when none started.</param>
/// <param name="ContactId">The profile the run is for: the one asked for, or the one it was merged into since.</param>
/// <param name="Engine">The engine's outcome, when it was asked.</param>
public sealed record ManualStart(ManualStartOutcome Outcome, FlowInstance? Run = null, Guid? ContactId = null, StartOutcome? Engine = null);

/// <summary>
/// A flow started by hand (the API, a flow's runs page) from its manual trigger, for a contact or for none. A profile
/// merged into another since it was picked starts the run for the profile it was merged into.
/// </summary>
public sealed class ManualRunStarts(TriggerIndex triggers, FlowRuns runs, ContactQueries contacts)
{
    public const string AlreadyRunningMessage =
        "The contact already has an active run of this flow, and the flow runs once at a time per contact.";

    /// <summary>The trigger data a flow reads as <c>trigger.*</c>: named values, so a JSON object (or none).</summary>
    public const string PayloadMessage = "Trigger data is a JSON object, e.g. { \"reason\": \"callback\" }.";

    /// <summary>Whether <paramref name="flowId"/> is live and has a manual trigger to start from.</summary>
    public async Task<bool> CanStartAsync(string flowId, CancellationToken cancellationToken) =>
        ManualTrigger(await triggers.GetAsync(cancellationToken), flowId) is not null;

    public async Task<ManualStart> StartAsync(string flowId, Guid? contactId, JsonElement? payload, CancellationToken cancellationToken)
    {
        if (payload is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return new ManualStart(ManualStartOutcome.PayloadNotAnObject);
        }

        var live = await triggers.GetAsync(cancellationToken);
        if (!live.IsLive(flowId))
        {
            return new ManualStart(ManualStartOutcome.NotLive);
        }

        if (ManualTrigger(live, flowId) is not { } trigger)
        {
            return new ManualStart(ManualStartOutcome.NoManualTrigger);
        }

        Guid? profile = null;
        if (contactId is { } asked && (profile = await contacts.ResolveSurvivorAsync(asked, cancellationToken)) is null)
        {
            return new ManualStart(ManualStartOutcome.NoSuchContact, ContactId: asked);
        }

        var started = await runs.StartAsync(trigger,
            new TriggerEvent($"manual:{Guids.NewVersion7():N}", profile?.ToString(), payload is { ValueKind: JsonValueKind.Object } ? payload : null), cancellationToken);
        return new ManualStart(started.Outcome switch
        {
            StartOutcome.Started => ManualStartOutcome.Started,
            StartOutcome.AlreadyRunning => ManualStartOutcome.AlreadyRunning,
            _ => ManualStartOutcome.NotStarted,
        }, started.Instance, profile, started.Outcome);
    }

    private static TriggerEntry? ManualTrigger(TriggerSet live, string flowId) =>
        live.IsLive(flowId) ? live.For(TriggerTypes.Manual).FirstOrDefault(t => t.FlowId == flowId) : null;
}
