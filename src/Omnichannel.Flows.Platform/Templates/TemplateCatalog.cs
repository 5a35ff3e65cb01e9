using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>Reads the template catalog: what may be sent, and what fits when a window is closed.</summary>
public sealed class TemplateCatalog(FlowsDbContext db)
{
    public Task<MessageTemplate?> FindAsync(ChannelKind channel, string name, string language, CancellationToken cancellationToken) =>
        db.MessageTemplates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Channel == channel && t.Name == name && t.Language == language, cancellationToken);

    /// <summary>Approved templates of the channel, those in <paramref name="preferredLanguage"/> (its language part) first.</summary>
    public async Task<IReadOnlyList<MessageTemplate>> ApprovedAsync(ChannelKind channel, string? preferredLanguage, CancellationToken cancellationToken)
    {
        var approved = await db.MessageTemplates.AsNoTracking()
            .Where(t => t.Channel == channel && t.Status == TemplateStatus.Approved)
            .OrderBy(t => t.Name).ThenBy(t => t.Language)
            .ToListAsync(cancellationToken);
        var language = preferredLanguage?.Split('-', '_')[0];
        return language is null
            ? approved
            : [.. approved.OrderBy(t => t.Language.StartsWith(language, StringComparison.OrdinalIgnoreCase) ? 0 : 1)];
    }
}
