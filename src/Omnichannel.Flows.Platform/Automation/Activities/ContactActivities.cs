using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// <c>contact.addTag</c>: tags the contact. Idempotent by nature (a tag the contact has is left alone); the resulting
/// <c>tag.added</c> event is marked as caused by automation, so flows start on it only if they opt in.
/// </summary>
public sealed class AddTagActivity(IServiceScopeFactory scopes, ILogger<AddTagActivity> logger) : TagChangeActivity(scopes, logger)
{
    public override ActivityDescriptor Descriptor { get; } = new(
        "contact.addTag", "Contacts", "Add tag", "Adds a tag to the contact.",
        [new("tag", InputKind.Tag, "Tag", "The tag to add.") { Required = true, Parser = PlatformInputs.Tag }],
        [Ports.Done]);

    protected override (string Changed, string Unchanged) Outcomes => ("added", "already tagged");

    protected override Task<bool> ChangeAsync(ContactTags tags, Guid contactId, string tag, CancellationToken cancellationToken) =>
        tags.AddAsync(contactId, tag, cancellationToken, causedByAutomation: true);
}

/// <summary><c>contact.removeTag</c>: removes a tag from the contact, if it has it (<c>tag.removed</c> marked as automation's).</summary>
public sealed class RemoveTagActivity(IServiceScopeFactory scopes, ILogger<RemoveTagActivity> logger) : TagChangeActivity(scopes, logger)
{
    public override ActivityDescriptor Descriptor { get; } = new(
        "contact.removeTag", "Contacts", "Remove tag", "Removes a tag from the contact, if it has it.",
        [new("tag", InputKind.Tag, "Tag", "The tag to remove.") { Required = true, Parser = PlatformInputs.Tag }],
        [Ports.Done]);

    protected override (string Changed, string Unchanged) Outcomes => ("removed", "not tagged");

    protected override Task<bool> ChangeAsync(ContactTags tags, Guid contactId, string tag, CancellationToken cancellationToken) =>
        tags.RemoveAsync(contactId, tag, cancellationToken, causedByAutomation: true);
}

/// <summary>Adding and removing a tag: the step's contact, the change through <see cref="ContactTags"/>, what it did.</summary>
public abstract class TagChangeActivity(IServiceScopeFactory scopes, ILogger logger) : IActivity
{
    public abstract ActivityDescriptor Descriptor { get; }

    /// <summary>What the journal records when the tag changed, and when it was already as asked.</summary>
    protected abstract (string Changed, string Unchanged) Outcomes { get; }

    protected abstract Task<bool> ChangeAsync(ContactTags tags, Guid contactId, string tag, CancellationToken cancellationToken);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        using var redoable = StepWritesInTurn.Redoable();
        await using var scope = scopes.CreateAsyncScope();
        if (await AutomationSteps.ContactAsync(context, scope.ServiceProvider) is not { } contactId)
        {
            return AutomationSteps.NoContact(context);
        }

        var tag = context.Input<string>("tag");
        var changed = await ChangeAsync(scope.ServiceProvider.GetRequiredService<ContactTags>(), contactId, tag, context.CancellationToken);
        context.Record("changed", changed ? Outcomes.Changed : Outcomes.Unchanged);
        if (changed)
        {
            logger.LogInformation("Flow {FlowId} {Change} tag {Tag} of contact {ContactId}", context.FlowId, Outcomes.Changed, tag, contactId);
        }

        return ActivityOutcome.Done;
    }
}

/// <summary>
/// <c>contact.setField</c>: sets a custom field to a rendered value; a field that already holds the value is not written.
/// A value the profile refuses (too long) faults the step with the reason.
/// </summary>
public sealed class SetFieldActivity(IServiceScopeFactory scopes, ILogger<SetFieldActivity> logger) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "contact.setField", "Contacts", "Set field", "Sets one of the contact's custom fields, e.g. plan = {{ flow.plan }}.",
        [
            new("key", InputKind.Text, "Field", "The field's key: letters, digits, '_', '-' or '.'.") { Required = true, Parser = ParseKey },
            new("value", InputKind.LiquidText, "Value", "The value; may use Liquid.") { Required = true },
        ],
        [Ports.Done]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        using var redoable = StepWritesInTurn.Redoable();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (await AutomationSteps.ContactAsync(context, services) is not { } contactId)
        {
            return AutomationSteps.NoContact(context);
        }

        var key = context.Input<string>("key");
        var value = context.Render("value");
        var current = await services.GetRequiredService<FlowsDbContext>().ContactFields.AsNoTracking()
            .Where(f => f.ContactId == contactId && f.Key == key).Select(f => f.Value).FirstOrDefaultAsync(context.CancellationToken);
        if (current == value)
        {
            context.Record("changed", "already set");
            return ActivityOutcome.Done;
        }

        if (await services.GetRequiredService<ContactProfiles>().SetFieldAsync(contactId, key, value, context.CancellationToken) is { } refusal)
        {
            return ActivityOutcome.Fault($"The field '{key}' was not set: {refusal.Problem}");
        }

        context.Record("changed", current is null ? "added" : "changed");
        logger.LogInformation("Flow {FlowId} set field {Key} of contact {ContactId}", context.FlowId, key, contactId);
        return ActivityOutcome.Done;
    }

    private static object? ParseKey(System.Text.Json.JsonElement value, InputParseContext context)
    {
        var key = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        if (ContactProfiles.ValidateFieldKey(key) is { } problem)
        {
            context.AddError(problem);
            return null;
        }

        return key;
    }
}
