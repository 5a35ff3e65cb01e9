using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

public enum TemplateItemKind
{
    /// <summary>A WhatsApp message template, reviewed by Meta.</summary>
    Template,

    /// <summary>A saved reply: free text with contact variables.</summary>
    SavedReply,
}

/// <summary>
/// One entry of the template picker: a WhatsApp template (language, category, status, quality…) or a saved reply
/// (<see cref="Channels"/>). <see cref="Text"/> is the body text, <see cref="Placeholders"/> its placeholders in order.
/// </summary>
public sealed record TemplateItem(
    TemplateItemKind Kind,
    Guid Id,
    string Name,
    string Text,
    IReadOnlyList<string> Placeholders)
{
    public string? Language { get; init; }
    public TemplateCategory? Category { get; init; }
    public TemplateStatus? Status { get; init; }
    public TemplateQuality? Quality { get; init; }
    public string? RejectedReason { get; init; }
    public DateTime? LastSyncedAt { get; init; }
    public IReadOnlyList<ChannelKind>? Channels { get; init; }

    /// <summary>Meta's components (header, body, footer, buttons); only on a single template.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Components { get; init; }

    public static TemplateItem From(MessageTemplate template, bool withComponents = false) =>
        new(TemplateItemKind.Template, template.Id, template.Name, template.BodyText ?? "", template.BodyParameters)
        {
            Language = template.Language,
            Category = template.Category,
            Status = template.Status,
            Quality = template.Quality,
            RejectedReason = template.RejectedReason,
            LastSyncedAt = template.LastSyncedAt,
            Components = withComponents ? JsonSerializer.Deserialize<JsonElement>(template.Components) : null,
        };

    public static TemplateItem From(SavedReplyView reply) =>
        new(TemplateItemKind.SavedReply, reply.Id, reply.Name, reply.Text, [])
        {
            Channels = reply.Channels,
        };
}

/// <summary>A page of the catalog and how many entries match in all.</summary>
public sealed record TemplateItemPage(IReadOnlyList<TemplateItem> Items, int Total);

/// <summary>What may be sent on a channel, filtered in the database.</summary>
public sealed record TemplateFilter(ChannelKind? Channel, TemplateCategory? Category, TemplateStatus? Status, string? Search)
{
    /// <summary>Meta's language code (<c>en_US</c>, <c>de</c>), matched exactly; null for every language.</summary>
    public string? Language { get; init; }
}

/// <summary>The template picker's reads: WhatsApp templates and the saved replies that apply to a channel.</summary>
public sealed class TemplateQueries(FlowsDbContext db, SavedReplyAdministration savedReplies)
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// WhatsApp templates (unless another channel is asked for; deleted ones only when asked for by status) and the saved
    /// replies offered on the channel. Category, status and language filter templates; saved replies have none of them,
    /// so those filters leave them out.
    /// </summary>
    public async Task<List<TemplateItem>> ListAsync(TemplateFilter filter, CancellationToken cancellationToken)
    {
        var items = new List<TemplateItem>();
        if (filter.Channel is null or ChannelKind.WhatsApp)
        {
            var found = await WhatsAppTemplates(filter).ToListAsync(cancellationToken);
            items.AddRange(found.Select(t => TemplateItem.From(t)));
        }

        if (filter.Category is null && filter.Status is null && filter.Language is null)
        {
            var replies = await savedReplies.ListAsync(filter.Channel, filter.Search, cancellationToken);
            items.AddRange(replies.Select(TemplateItem.From));
        }

        return items;
    }

    /// <summary>One page (from 1) of the WhatsApp templates <paramref name="filter"/> matches, as <see cref="ListAsync"/> filters them.</summary>
    public async Task<TemplateItemPage> PageTemplatesAsync(TemplateFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var templates = WhatsAppTemplates(filter);
        var total = await templates.CountAsync(cancellationToken);
        var found = await templates.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new TemplateItemPage([.. found.Select(t => TemplateItem.From(t))], total);
    }

    /// <summary>The languages the WhatsApp templates (but deleted ones) are in, for a language filter to offer.</summary>
    public Task<List<string>> LanguagesAsync(CancellationToken cancellationToken) =>
        db.MessageTemplates.AsNoTracking()
            .Where(t => t.Channel == ChannelKind.WhatsApp && t.Status != TemplateStatus.Deleted)
            .Select(t => t.Language)
            .Distinct()
            .OrderBy(language => language)
            .ToListAsync(cancellationToken);

    /// <summary>The WhatsApp templates named <paramref name="name"/>, in <paramref name="language"/> when given.</summary>
    public Task<List<MessageTemplate>> FindAsync(string name, string? language, CancellationToken cancellationToken) =>
        db.MessageTemplates.AsNoTracking()
            .Where(t => t.Channel == ChannelKind.WhatsApp && t.Name == name && (language == null || t.Language == language))
            .OrderBy(t => t.Language)
            .ToListAsync(cancellationToken);

    private IQueryable<MessageTemplate> WhatsAppTemplates(TemplateFilter filter)
    {
        var templates = db.MessageTemplates.AsNoTracking().Where(t => t.Channel == ChannelKind.WhatsApp);
        templates = filter.Status is { } status ? templates.Where(t => t.Status == status) : templates.Where(t => t.Status != TemplateStatus.Deleted);
        if (filter.Category is { } category)
        {
            templates = templates.Where(t => t.Category == category);
        }

        if (filter.Language is { Length: > 0 } language)
        {
            templates = templates.Where(t => t.Language == language);
        }

        if (Pattern(filter.Search) is { } pattern)
        {
            templates = templates.Where(t => EF.Functions.Like(t.Name, pattern) || EF.Functions.Like(t.BodyText!, pattern));
        }

        return templates.OrderBy(t => t.Name).ThenBy(t => t.Language);
    }

    private static string? Pattern(string? search) => string.IsNullOrWhiteSpace(search) ? null : $"%{search.Trim()}%";
}
