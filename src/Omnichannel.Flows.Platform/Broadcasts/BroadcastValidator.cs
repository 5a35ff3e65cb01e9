using System.Globalization;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Checks a broadcast as the API received it and turns it into a <see cref="BroadcastDefinition"/>. Every problem is
/// reported with the JSON pointer of the value at fault (<c>/content/whatsapp/parameters/1/field</c>). A draft may
/// leave parts out; what is there must be valid. A complete broadcast (to estimate, test or schedule) needs an
/// audience, channels and content for each of them.
/// </summary>
public sealed class BroadcastValidator(TemplateCatalog templates)
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 4096;

    public async Task<BroadcastValidation> ValidateAsync(BroadcastRequest request, bool complete, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string pointer, string message) => errors.TryAdd(pointer, [message]);

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength)
        {
            Add("/name", $"A broadcast needs a name of 1 to {MaxNameLength} characters.");
        }

        var purpose = MessagePurpose.Marketing;
        if (request.Purpose is not null && !EnumNames.TryParse(request.Purpose, out purpose))
        {
            Add("/purpose", "purpose is 'marketing' or 'transactional'.");
        }

        var audience = Audience(request.Audience, Add);
        var priority = Channels(request.Channels, "/channels", Add);
        if (complete && priority.Count == 0 && !errors.ContainsKey("/channels"))
        {
            Add("/channels", "Name the channels to send on, in order of preference (e.g. [\"whatsapp\", \"sms\"]).");
        }

        var content = new Dictionary<ChannelKind, ChannelContent>();
        MessageTemplate? template = null;
        foreach (var (name, given) in request.Content ?? new Dictionary<string, ChannelContentRequest>())
        {
            var pointer = $"/content/{name}";
            if (!ChannelNames.TryParse(name, out var channel) || !priority.Contains(channel))
            {
                Add(pointer, $"'{name}' is not one of the broadcast's channels ({string.Join(", ", priority.Select(c => c.ToName()))}).");
                continue;
            }

            if (channel == ChannelKind.WhatsApp)
            {
                template = await WhatsAppAsync(given, pointer, purpose, content, Add, cancellationToken);
            }
            else
            {
                Text(channel, given, pointer, content, Add);
            }
        }

        foreach (var missing in complete ? priority.Where(c => !content.ContainsKey(c) && !errors.Keys.Any(k => k.StartsWith($"/content/{c.ToName()}", StringComparison.Ordinal))) : [])
        {
            Add($"/content/{missing.ToName()}", missing == ChannelKind.WhatsApp
                ? "Say which approved template to send on WhatsApp: { \"template\": { \"name\", \"language\" }, \"parameters\": { … } }."
                : $"Say what to send on {missing.ToName()}: {{ \"text\": \"…\" }}.");
        }

        var quiet = QuietHoursOf(request.QuietHours, Add);
        if (errors.Count > 0)
        {
            return new BroadcastValidation(null, purpose, template, errors);
        }

        var definition = new BroadcastDefinition { Audience = audience, Channels = priority, Content = content, QuietHours = quiet };
        return new BroadcastValidation(definition, purpose, template, errors);
    }

    private static AudienceFilter Audience(AudienceRequest? audience, Action<string, string> add)
    {
        if (audience is null)
        {
            return new AudienceFilter();
        }

        var match = TagMatch.All;
        if (audience.TagMatch is not null && !EnumNames.TryParse(audience.TagMatch, out match))
        {
            add("/audience/tagMatch", "tagMatch is 'all' or 'any'.");
        }

        var tags = new List<string>();
        foreach (var (tag, i) in (audience.Tags ?? []).Select((t, i) => (t, i)))
        {
            if (ContactTags.Validate(tag) is { } problem)
            {
                add($"/audience/tags/{i}", problem);
            }
            else
            {
                tags.Add(ContactTags.Normalize(tag)!);
            }
        }

        var fields = new List<FieldEquals>();
        foreach (var (field, i) in (audience.Fields ?? []).Select((f, i) => (f, i)))
        {
            if (ContactProfiles.ValidateFieldKey(field.Key) is { } problem)
            {
                add($"/audience/fields/{i}/key", problem);
            }
            else if (field.Value is null || field.Value.Length > ContactProfiles.MaxFieldValueLength)
            {
                add($"/audience/fields/{i}/equals", $"Give the value the field must equal (at most {ContactProfiles.MaxFieldValueLength} characters).");
            }
            else
            {
                fields.Add(new FieldEquals(field.Key!, field.Value));
            }
        }

        var reachable = Channels(audience.ReachableOn, "/audience/reachableOn", add);
        return new AudienceFilter(tags, match, reachable, fields);
    }

    private static List<ChannelKind> Channels(IReadOnlyList<string>? names, string pointer, Action<string, string> add)
    {
        var channels = new List<ChannelKind>();
        foreach (var (name, i) in (names ?? []).Select((n, i) => (n, i)))
        {
            if (!ChannelNames.TryParse(name, out var channel))
            {
                add($"{pointer}/{i}", $"'{name}' is not a channel; use one of {string.Join(", ", Enum.GetValues<ChannelKind>().Select(c => c.ToName()))}.");
            }
            else if (channels.Contains(channel))
            {
                add($"{pointer}/{i}", $"{channel.ToName()} is listed twice.");
            }
            else
            {
                channels.Add(channel);
            }
        }

        return channels;
    }

    private async Task<MessageTemplate?> WhatsAppAsync(ChannelContentRequest given, string pointer, MessagePurpose purpose,
        Dictionary<ChannelKind, ChannelContent> content, Action<string, string> add, CancellationToken cancellationToken)
    {
        if (given.Text is not null)
        {
            add($"{pointer}/text", "A WhatsApp broadcast sends an approved template (most customers are outside their service window), not text.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(given.Template?.Name) || string.IsNullOrWhiteSpace(given.Template.Language))
        {
            add($"{pointer}/template", "Name the template and its language: { \"name\": \"…\", \"language\": \"en_US\" }.");
            return null;
        }

        var template = await templates.FindAsync(ChannelKind.WhatsApp, given.Template.Name, given.Template.Language, cancellationToken);
        if (template is null)
        {
            add($"{pointer}/template/name", $"No WhatsApp template '{given.Template.Name}' in '{given.Template.Language}'. Sync the catalog or check the name and language.");
            return null;
        }

        if (template.Category == TemplateCategory.Marketing && purpose == MessagePurpose.Transactional)
        {
            add($"{pointer}/template/name", $"'{template.Name}' is a marketing template; a transactional broadcast sends utility or authentication templates.");
        }

        var parameters = given.Parameters ?? new Dictionary<string, ParameterSource>();
        foreach (var name in template.BodyParameters.Where(p => !parameters.ContainsKey(p)))
        {
            add($"{pointer}/parameters/{name}", $"Say where {{{{{name}}}}} comes from: {{ \"field\": \"contact.first_name\", \"fallback\": \"…\" }} or {{ \"literal\": \"…\" }}.");
        }

        foreach (var (name, source) in parameters)
        {
            var at = $"{pointer}/parameters/{name}";
            if (!template.BodyParameters.Contains(name))
            {
                add(at, $"The template has no placeholder {{{{{name}}}}} (it has {string.Join(", ", template.BodyParameters.Select(p => $"{{{{{p}}}}}"))}).");
            }
            else if ((source.Field is null) == (source.Literal is null))
            {
                add(at, "Give either a field (a profile variable) or a literal.");
            }
            else if (source.Field is not null && !MessageVariables.IsKnown(source.Field))
            {
                add($"{at}/field", $"'{source.Field}' is not a variable; use {string.Join(", ", MessageVariables.Known)}.");
            }
            else if (new[] { source.Literal, source.Fallback }.Any(v => v is { } s && (string.IsNullOrWhiteSpace(s) || s.Length > TemplateParameters.MaxLength)))
            {
                add(source.Literal is not null ? $"{at}/literal" : $"{at}/fallback", $"A template value has 1 to {TemplateParameters.MaxLength} characters.");
            }
        }

        content[ChannelKind.WhatsApp] = new ChannelContent(new TemplateRef(template.Name, template.Language), parameters);
        return template;
    }

    private static void Text(ChannelKind channel, ChannelContentRequest given, string pointer, Dictionary<ChannelKind, ChannelContent> content, Action<string, string> add)
    {
        if (given.Template is not null || given.Parameters is not null)
        {
            add($"{pointer}/template", $"Templates are sent on WhatsApp; on {channel.ToName()} send text.");
            return;
        }

        if (string.IsNullOrWhiteSpace(given.Text) || given.Text.Length > MaxTextLength)
        {
            add($"{pointer}/text", $"The text has 1 to {MaxTextLength} characters.");
            return;
        }

        var parts = channel == ChannelKind.Email ? new[] { ("text", given.Text), ("subject", given.Subject) } : [("text", given.Text)];
        foreach (var (part, value) in parts)
        {
            if (part == "subject" && (string.IsNullOrWhiteSpace(value) || value.Length > 500))
            {
                add($"{pointer}/subject", "An email broadcast needs a subject of 1 to 500 characters.");
            }
            else if (MessageVariables.UsedIn(value).FirstOrDefault(v => !MessageVariables.IsKnown(v)) is { } unknown)
            {
                add($"{pointer}/{part}", $"{{{{{unknown}}}}} is not a variable; use {string.Join(", ", MessageVariables.Known)}.");
            }
        }

        content[channel] = new ChannelContent(Text: given.Text, Subject: channel == ChannelKind.Email ? given.Subject : null);
    }

    private static QuietHours? QuietHoursOf(QuietHoursRequest? quiet, Action<string, string> add)
    {
        if (quiet is null)
        {
            return null;
        }

        TimeOnly? Parse(string? value, string pointer)
        {
            if (TimeOnly.TryParseExact(value ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return time;
            }

            add(pointer, "A local time as HH:mm (e.g. 21:00).");
            return null;
        }

        var (start, end) = (Parse(quiet.Start, "/quietHours/start"), Parse(quiet.End, "/quietHours/end"));
        if (start is not { } from || end is not { } to)
        {
            return null;
        }

        if (from == to)
        {
            add("/quietHours/end", "Quiet hours must end at another time than they start.");
        }

        return new QuietHours(from, to);
    }
}

/// <param name="Definition">Null when there are <see cref="Errors"/>.</param>
/// <param name="Errors">JSON pointer → problems.</param>
public sealed record BroadcastValidation(BroadcastDefinition? Definition, MessagePurpose Purpose, MessageTemplate? Template, Dictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
