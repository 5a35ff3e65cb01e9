using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Templates as a sync from Meta leaves them in the catalog. The sandbox has no WhatsApp Business Account to sync from,
/// so tests store what a sync would.
/// </summary>
public static class TemplateSeeds
{
    public static async Task<MessageTemplate> ApprovedAsync(EndToEndApp app, string name, string body, TemplateCategory category, string language = "en_US")
    {
        var now = DateTime.UtcNow;
        var template = new MessageTemplate
        {
            ExternalId = $"e2e-{Guid.NewGuid():N}",
            Name = name,
            Language = language,
            Category = category,
            Status = TemplateStatus.Approved,
            BodyText = body,
            BodyParameters = TemplateParameters.PlaceholdersOf(body),
            CreatedAt = now,
            UpdatedAt = now,
            LastSyncedAt = now,
        };
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        db.MessageTemplates.Add(template);
        await db.SaveChangesAsync();
        return template;
    }
}
