using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// Applies Meta's template webhooks to the catalog: a status (with the rejection reason), a category or a quality.
/// The template is found by Meta's id, else by name and language. A status for a template we have never seen creates
/// it (components unknown until the next sync); a category or quality change for one waits for that sync. Applying
/// the same change twice changes nothing the second time.
/// </summary>
public sealed class TemplateChangeRecorder(TimeProvider time, ILogger<TemplateChangeRecorder> logger)
{
    public async Task ApplyAsync(FlowsDbContext db, ChannelKind channel, InboundTemplateChange change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var template = await FindAsync(db, channel, change, cancellationToken);
        if (template is null)
        {
            if (change is not InboundTemplateStatus status || change.Name is null || change.Language is null)
            {
                logger.LogInformation("{Change} for unknown template {TemplateId} {TemplateName} ({Language}) left to the next sync",
                    change.GetType().Name, change.TemplateExternalId, change.Name, change.Language);
                return;
            }

            template = new MessageTemplate
            {
                Channel = channel,
                Name = change.Name,
                Language = change.Language,
                Category = status.Category ?? TemplateCategory.Marketing,
                CreatedAt = now,
            };
            db.MessageTemplates.Add(template);
            logger.LogInformation("Template {TemplateName} ({Language}) first heard of from a status webhook", change.Name, change.Language);
        }

        template.ExternalId = change.TemplateExternalId ?? template.ExternalId;
        switch (change)
        {
            case InboundTemplateStatus status:
                template.Status = status.Status;
                template.RejectedReason = status.Status == TemplateStatus.Rejected ? status.Reason : null;
                template.Category = status.Category ?? template.Category;
                break;
            case InboundTemplateCategory category:
                template.Category = category.Category;
                break;
            case InboundTemplateQuality quality:
                template.Quality = quality.Quality;
                break;
        }

        template.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Template {TemplateName} ({Language}) is now {Status}, {Category}, quality {Quality}",
            template.Name, template.Language, template.Status, template.Category, template.Quality);
    }

    private static async Task<MessageTemplate?> FindAsync(FlowsDbContext db, ChannelKind channel, InboundTemplateChange change, CancellationToken cancellationToken)
    {
        var byId = change.TemplateExternalId is { } id
            ? await db.MessageTemplates.FirstOrDefaultAsync(t => t.Channel == channel && t.ExternalId == id, cancellationToken)
            : null;
        return byId ?? (change.Name is { } name && change.Language is { } language
            ? await db.MessageTemplates.FirstOrDefaultAsync(t => t.Channel == channel && t.Name == name && t.Language == language, cancellationToken)
            : null);
    }
}
