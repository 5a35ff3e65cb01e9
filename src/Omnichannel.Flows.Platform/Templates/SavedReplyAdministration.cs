using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>A saved reply to create or replace; <see cref="Channels"/> by name (<c>sms</c>, <c>email</c>…), none for every channel.</summary>
public sealed record SavedReplyRequest(string? Name, string? Text, IReadOnlyList<string>? Channels);

public sealed record SavedReplyView(Guid Id, string Name, string Text, IReadOnlyList<ChannelKind> Channels, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static SavedReplyView From(SavedReply reply) =>
        new(reply.Id, reply.Name, reply.Text, reply.Channels, reply.CreatedAt, reply.UpdatedAt);
}

/// <summary>Saved replies: everyone reads them, admins and marketing write them (the API enforces the roles).</summary>
public sealed class SavedReplyAdministration(FlowsDbContext db, TimeProvider time)
{
    public const int MaxNameLength = 100;
    public const int MaxTextLength = 4096;

    /// <summary>The replies offered on <paramref name="channel"/> (those for every channel included), by name.</summary>
    public Task<List<SavedReplyView>> ListAsync(ChannelKind? channel, string? search, CancellationToken cancellationToken) =>
        Offered(channel, search).Select(r => new SavedReplyView(r.Id, r.Name, r.Text, r.Channels, r.CreatedAt, r.UpdatedAt)).ToListAsync(cancellationToken);

    /// <summary>One page (from 1) of what <see cref="ListAsync"/> lists, and how many match in all.</summary>
    public async Task<(List<SavedReplyView> Items, int Total)> PageAsync(ChannelKind? channel, string? search, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, TemplateQueries.MaxPageSize);
        var replies = Offered(channel, search);
        var total = await replies.CountAsync(cancellationToken);
        var items = await replies.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new SavedReplyView(r.Id, r.Name, r.Text, r.Channels, r.CreatedAt, r.UpdatedAt)).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<SavedReplyView?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.SavedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is { } reply ? SavedReplyView.From(reply) : null;

    public async Task<(SavedReplyView? Reply, TemplateProblem? Problem)> CreateAsync(SavedReplyRequest request, CancellationToken cancellationToken)
    {
        var (name, text, channels, problem) = Validate(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (await NameInUseAsync(name, null, cancellationToken) is { } conflict)
        {
            return (null, conflict);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var reply = new SavedReply { Name = name, Text = text, Channels = channels, CreatedAt = now, UpdatedAt = now };
        db.SavedReplies.Add(reply);
        await db.SaveChangesAsync(cancellationToken);
        return (SavedReplyView.From(reply), null);
    }

    public async Task<(SavedReplyView? Reply, TemplateProblem? Problem)> UpdateAsync(Guid id, SavedReplyRequest request, CancellationToken cancellationToken)
    {
        var reply = await db.SavedReplies.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (reply is null)
        {
            return (null, new TemplateProblem(TemplateProblemKind.NotFound, "No such saved reply."));
        }

        var (name, text, channels, problem) = Validate(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (await NameInUseAsync(name, id, cancellationToken) is { } conflict)
        {
            return (null, conflict);
        }

        reply.Name = name;
        reply.Text = text;
        reply.Channels = channels;
        reply.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return (SavedReplyView.From(reply), null);
    }

    /// <returns>False when there is no such reply.</returns>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        await db.SavedReplies.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;

    private IQueryable<SavedReply> Offered(ChannelKind? channel, string? search)
    {
        var replies = db.SavedReplies.AsNoTracking();
        if (channel is { } only)
        {
            replies = replies.Where(r => r.Channels.Count == 0 || r.Channels.Contains(only));
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{search.Trim()}%";
            replies = replies.Where(r => EF.Functions.Like(r.Name, pattern) || EF.Functions.Like(r.Text, pattern));
        }

        return replies.OrderBy(r => r.Name).ThenBy(r => r.Id);
    }

    private async Task<TemplateProblem?> NameInUseAsync(string name, Guid? except, CancellationToken cancellationToken) =>
        await db.SavedReplies.AnyAsync(r => r.Name == name && r.Id != except, cancellationToken)
            ? new TemplateProblem(TemplateProblemKind.Conflict, $"There is already a saved reply named '{name}'.", "/name")
            : null;

    private static (string Name, string Text, List<ChannelKind> Channels, TemplateProblem? Problem) Validate(SavedReplyRequest request)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            return (name, "", [], TemplateProblem.Invalid("name", $"A saved reply's name has 1 to {MaxNameLength} characters."));
        }

        var text = request.Text ?? "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            return (name, text, [], TemplateProblem.Invalid("text", $"A saved reply's text has 1 to {MaxTextLength} characters."));
        }

        if (SavedReplyRenderer.SyntaxProblem(text) is { } syntax)
        {
            return (name, text, [], TemplateProblem.Invalid("text", syntax));
        }

        var channels = new List<ChannelKind>();
        var index = 0;
        foreach (var channelName in request.Channels ?? [])
        {
            if (!ChannelNames.TryParse(channelName, out var channel))
            {
                return (name, text, [], TemplateProblem.Invalid($"/channels/{index}",
                    $"'{channelName}' is not a channel. Channels are {string.Join(", ", ChannelNames.All)}."));
            }

            if (!channels.Contains(channel))
            {
                channels.Add(channel);
            }

            index++;
        }

        return (name, text, channels, null);
    }
}
