using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>What the platform's actions share: the contact a step acts on, read in the step's own scope.</summary>
internal static class AutomationSteps
{
    /// <summary>The author name automated messages and notes carry in the thread.</summary>
    public static string AuthorName(StepContext context) => Truncate($"Automation: {context.FlowId}", 200);

    /// <summary>
    /// The contact the instance runs for, following merges to the surviving profile; null when the instance has no
    /// contact or the contact no longer exists (erased). The reason is recorded in the journal. The runner call's facts
    /// name the surviving profile already (<see cref="ContactFactsFactory"/> follows merges when it reads them, at the
    /// start of the call, as every other fact the call's steps read); without them the database is asked.
    /// </summary>
    public static async Task<Guid?> ContactAsync(StepContext context, IServiceProvider services)
    {
        if (!Guid.TryParse(context.SubjectId, out var subject))
        {
            context.Record("contact", "none: the flow runs for no contact");
            return null;
        }

        var survivor = context.Facts.TryGetValue("contact.id", out var known) && known.Kind == FactKind.Text && Guid.TryParse(known.Text, out var id)
            ? id
            : await services.GetRequiredService<ContactQueries>().ResolveSurvivorAsync(subject, context.CancellationToken);
        if (survivor is null)
        {
            context.Record("contact", $"{subject} no longer exists");
        }
        else if (survivor != subject)
        {
            context.Record("contact", $"{subject} merged into {survivor}");
        }

        return survivor;
    }

    /// <summary>A fault for actions that need a contact and have only a <c>done</c> port.</summary>
    public static ActivityOutcome NoContact(StepContext context) => ActivityOutcome.Fault(
        context.SubjectId is null ? "This action needs a contact; the flow runs for none." : $"The contact {context.SubjectId} no longer exists.");

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
