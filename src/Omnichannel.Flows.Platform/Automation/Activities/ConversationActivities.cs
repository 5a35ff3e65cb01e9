using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// <c>conversation.note</c>: writes an internal note on the customer's thread (agents see it; the customer never
/// does). Keyed by the step, so a re-run writes no second note.
/// </summary>
public sealed class AddNoteActivity(IServiceScopeFactory scopes, TimeProvider time, ILogger<AddNoteActivity> logger) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "conversation.note", "Conversations", "Internal note",
        "Adds a note to the customer's thread for agents; it is never sent to the customer.",
        [new("text", InputKind.LiquidText, "Note", "What agents should know; may use Liquid.") { Required = true }],
        [Ports.Done]);

    public async ValueTask<ActivityOutcome> ExecuteAsync(StepContext context)
    {
        using var redoable = StepWritesInTurn.Redoable();
        await using var scope = scopes.CreateAsyncScope();
        if (await AutomationSteps.ContactAsync(context, scope.ServiceProvider) is not { } contactId)
        {
            return AutomationSteps.NoContact(context);
        }

        var text = context.Render("text").Trim();
        if (text.Length > ConversationNote.MaxLength)
        {
            text = text[..(ConversationNote.MaxLength - 1)] + "…";
        }

        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        var key = context.IdempotencyKey;
        if (await db.ConversationNotes.AnyAsync(n => n.IdempotencyKey == key, context.CancellationToken))
        {
            context.Record("note", "already written");
            return ActivityOutcome.Done;
        }

        db.ConversationNotes.Add(new ConversationNote
        {
            ContactId = contactId,
            Text = text.Length == 0 ? "(empty note)" : text,
            AuthorName = AutomationSteps.AuthorName(context),
            CreatedAt = time.GetUtcNow().UtcDateTime,
            IdempotencyKey = key,
        });
        await db.SaveChangesAsync(context.CancellationToken);
        logger.LogInformation("Flow {FlowId} wrote a note on the thread of contact {ContactId}", context.FlowId, contactId);
        return ActivityOutcome.Done;
    }
}

/// <summary><c>conversation.close</c>: resolves the contact's conversation (left alone when it is resolved already).</summary>
public sealed class CloseConversationActivity(IServiceScopeFactory scopes, TimeProvider time, ILogger<CloseConversationActivity> logger) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "conversation.close", "Conversations", "Close conversation", "Marks the conversation resolved; the customer's next message reopens it.",
        [], [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) =>
        ConversationStatusChange.ApplyAsync(context, scopes, time, logger, ConversationStatus.Resolved);
}

/// <summary><c>conversation.reopen</c>: reopens the contact's conversation (left alone when it is open).</summary>
public sealed class ReopenConversationActivity(IServiceScopeFactory scopes, TimeProvider time, ILogger<ReopenConversationActivity> logger) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new(
        "conversation.reopen", "Conversations", "Reopen conversation", "Marks the conversation open again.",
        [], [Ports.Done]);

    public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) =>
        ConversationStatusChange.ApplyAsync(context, scopes, time, logger, ConversationStatus.Open);
}

internal static class ConversationStatusChange
{
    public static async ValueTask<ActivityOutcome> ApplyAsync(
        StepContext context, IServiceScopeFactory scopes, TimeProvider time, ILogger logger, ConversationStatus status)
    {
        using var redoable = StepWritesInTurn.Redoable();
        await using var scope = scopes.CreateAsyncScope();
        if (await AutomationSteps.ContactAsync(context, scope.ServiceProvider) is not { } contactId)
        {
            return AutomationSteps.NoContact(context);
        }

        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var conversation = await db.ForContactAsync(contactId, now, context.CancellationToken);
        var name = status == ConversationStatus.Open ? "open" : "resolved";
        if (conversation.Status == status)
        {
            context.Record("status", $"already {name}");
            await db.SaveChangesAsync(context.CancellationToken); // a conversation created on first use
            return ActivityOutcome.Done;
        }

        conversation.Status = status;
        conversation.ResolvedAt = status == ConversationStatus.Resolved ? now : null;
        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(context.CancellationToken);
        context.Record("status", name);
        logger.LogInformation("Flow {FlowId} marked the conversation of contact {ContactId} {Status}", context.FlowId, contactId, name);
        return ActivityOutcome.Done;
    }
}
