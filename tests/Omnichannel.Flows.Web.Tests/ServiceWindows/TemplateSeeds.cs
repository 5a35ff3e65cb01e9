using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.ServiceWindows;

/// <summary>Templates as the catalog holds them after a sync, stored directly for tests about sending them.</summary>
public static class TemplateSeeds
{
    public static async Task<MessageTemplate> TemplateAsync(this FlowsAppFactory app, string body, TemplateCategory category,
        TemplateStatus status = TemplateStatus.Approved, string language = "en_US", string? name = null)
    {
        var template = new MessageTemplate
        {
            Name = name ?? $"t_{Guid.NewGuid():N}"[..20],
            Language = language,
            Category = category,
            Status = status,
            BodyText = body,
            BodyParameters = TemplateParameters.PlaceholdersOf(body),
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            UpdatedAt = app.Clock.GetUtcNow().UtcDateTime,
        };
        await using var db = await app.CreateDbContextAsync();
        db.MessageTemplates.Add(template);
        await db.SaveChangesAsync();
        return template;
    }
}
