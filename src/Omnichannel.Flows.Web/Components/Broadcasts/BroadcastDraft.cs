using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Web.Components.Broadcasts;

/// <summary>
/// The broadcast a marketer is writing in the wizard: the form's values, turned into the <see cref="BroadcastRequest"/>
/// the platform validates and stores (and read back from it when a draft is edited).
/// </summary>
public sealed class BroadcastDraft
{
    public Guid? Id { get; set; }
    public string Name { get; set; } = "";
    public MessagePurpose Purpose { get; set; } = MessagePurpose.Marketing;
    public List<string> Tags { get; set; } = [];
    public TagMatch TagMatch { get; set; } = TagMatch.All;

    /// <summary>The channel priority list: each customer gets the first that reaches them.</summary>
    public List<ChannelKind> Channels { get; set; } = [];

    public WhatsAppDraft WhatsApp { get; set; } = new();

    /// <summary>Text per channel other than WhatsApp.</summary>
    public Dictionary<ChannelKind, TextDraft> Texts { get; } = [];

    /// <summary>Local times, <c>HH:mm</c>; both empty: no quiet hours.</summary>
    public string QuietStart { get; set; } = "";
    public string QuietEnd { get; set; } = "";

    public TextDraft TextFor(ChannelKind channel) => Texts.TryGetValue(channel, out var text) ? text : Texts[channel] = new TextDraft();

    public BroadcastRequest ToRequest() => new(
        Name,
        Purpose.ToString().ToLowerInvariant(),
        new AudienceRequest(Tags.Count == 0 ? null : Tags, TagMatch.ToString().ToLowerInvariant()),
        [.. Channels.Select(c => c.ToName())],
        Channels.Where(HasContent).ToDictionary(c => c.ToName(), Content),
        QuietStart.Length == 0 && QuietEnd.Length == 0 ? null : new QuietHoursRequest(QuietStart, QuietEnd));

    public static BroadcastDraft From(BroadcastView view)
    {
        var definition = view.Definition;
        var draft = new BroadcastDraft
        {
            Id = view.Id,
            Name = view.Name,
            Purpose = view.Purpose,
            Tags = [.. definition.Audience?.Tags ?? []],
            TagMatch = definition.Audience?.TagMatch == "any" ? TagMatch.Any : TagMatch.All,
            Channels = [.. (definition.Channels ?? []).Select(n => ChannelNames.TryParse(n, out var c) ? c : (ChannelKind?)null).OfType<ChannelKind>()],
            QuietStart = definition.QuietHours?.Start ?? "",
            QuietEnd = definition.QuietHours?.End ?? "",
        };
        foreach (var (name, content) in definition.Content ?? new Dictionary<string, ChannelContentRequest>())
        {
            if (!ChannelNames.TryParse(name, out var channel))
            {
                continue;
            }

            if (channel == ChannelKind.WhatsApp)
            {
                draft.WhatsApp = new WhatsAppDraft
                {
                    TemplateName = content.Template?.Name,
                    TemplateLanguage = content.Template?.Language,
                    Parameters = (content.Parameters ?? new Dictionary<string, ParameterSource>()).ToDictionary(p => p.Key, p => ParameterDraft.From(p.Value)),
                };
            }
            else
            {
                draft.Texts[channel] = new TextDraft { Text = content.Text ?? "", Subject = content.Subject ?? "" };
            }
        }

        return draft;
    }

    private bool HasContent(ChannelKind channel) =>
        channel == ChannelKind.WhatsApp ? WhatsApp.TemplateName is not null : Texts.TryGetValue(channel, out var text) && text.Text.Length > 0;

    private ChannelContentRequest Content(ChannelKind channel) => channel == ChannelKind.WhatsApp
        ? new ChannelContentRequest(new TemplateRefRequest(WhatsApp.TemplateName, WhatsApp.TemplateLanguage),
            WhatsApp.Parameters.ToDictionary(p => p.Key, p => p.Value.ToSource()))
        : new ChannelContentRequest(Text: Texts[channel].Text, Subject: channel == ChannelKind.Email ? Texts[channel].Subject : null);
}

public sealed class WhatsAppDraft
{
    public string? TemplateName { get; set; }
    public string? TemplateLanguage { get; set; }

    /// <summary>Where each body placeholder's value comes from, by placeholder name.</summary>
    public Dictionary<string, ParameterDraft> Parameters { get; set; } = [];
}

/// <summary>A placeholder's value: a profile variable (with a fallback) or fixed text.</summary>
public sealed class ParameterDraft
{
    public bool Fixed { get; set; }
    public string Field { get; set; } = "contact.first_name";
    public string Fallback { get; set; } = "";
    public string Literal { get; set; } = "";

    public ParameterSource ToSource() => Fixed
        ? new ParameterSource(Literal: Literal)
        : new ParameterSource(Field: Field, Fallback: Fallback.Length == 0 ? null : Fallback);

    public static ParameterDraft From(ParameterSource source) => source.Literal is { } literal
        ? new ParameterDraft { Fixed = true, Literal = literal }
        : new ParameterDraft { Field = source.Field ?? "", Fallback = source.Fallback ?? "" };
}

public sealed class TextDraft
{
    public string Text { get; set; } = "";
    public string Subject { get; set; } = "";
}
