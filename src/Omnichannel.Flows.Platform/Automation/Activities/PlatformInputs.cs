using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// Parsers for the platform's inputs, so the engine's validator checks them (with a JSON pointer) before a flow is
/// published. Each returns what the engine would return for the input's kind (a channel or tag as text, a channel list
/// as its JSON), only checked and normalised, so code reading <c>CompiledNode.Input&lt;T&gt;</c> sees the usual types.
/// </summary>
public static class PlatformInputs
{
    /// <summary>How long a trigger's <c>pattern</c> may take on one message before it counts as no match.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    public static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>A channel name (<c>whatsapp</c>, <c>sms</c>…), lower-cased.</summary>
    public static object? ChannelName(JsonElement value, InputParseContext context) => ChannelNameOf(value, context, ChannelNames.All);

    /// <summary>A channel that has a service window: whatsapp, messenger, instagram or tiktok.</summary>
    public static object? WindowedChannelName(JsonElement value, InputParseContext context) =>
        ChannelNameOf(value, context, ContactFactsFactory.WindowedChannels.Select(c => c.ToName()).ToArray());

    /// <summary>A JSON array of channel names, each known and listed once; kept as a JSON array of their lower-case names.</summary>
    public static object? ChannelList(JsonElement value, InputParseContext context)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            context.AddError("Expected a non-empty array of channel names, e.g. [\"whatsapp\", \"sms\"]; leave it out for any channel.");
            return null;
        }

        var seen = new HashSet<ChannelKind>();
        var names = new List<string>();
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = (index++).ToString(CultureInfo.InvariantCulture);
            if (item.ValueKind != JsonValueKind.String || !ChannelNames.TryParse(item.GetString(), out var channel))
            {
                context.AddError($"Not a channel. Channels: {string.Join(", ", ChannelNames.All.Order(StringComparer.Ordinal))}.", at);
                valid = false;
            }
            else if (!seen.Add(channel))
            {
                context.AddError($"'{channel.ToName()}' is listed twice.", at);
                valid = false;
            }
            else
            {
                names.Add(channel.ToName());
            }
        }

        return valid ? JsonSerializer.SerializeToElement(names) : null;
    }

    /// <summary>A tag as contacts store it: trimmed and lower-cased.</summary>
    public static object? Tag(JsonElement value, InputParseContext context)
    {
        var tag = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (ContactTags.Validate(tag) is { } problem)
        {
            context.AddError(problem);
            return null;
        }

        return ContactTags.Normalize(tag);
    }

    /// <summary>A .NET regular expression that compiles; kept as its text.</summary>
    public static object? Pattern(JsonElement value, InputParseContext context)
    {
        var pattern = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (pattern.Length == 0)
        {
            context.AddError("Expected a regular expression, e.g. \"invoice|refund\".");
            return null;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, PatternTimeout);
            return pattern;
        }
        catch (ArgumentException exception)
        {
            context.AddError($"Not a valid regular expression: {exception.Message}");
            return null;
        }
    }

    private static string? ChannelNameOf(JsonElement value, InputParseContext context, IReadOnlyCollection<string> allowed)
    {
        var name = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim().ToLowerInvariant() : "";
        if (allowed.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }

        context.AddError($"Expected one of {string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(c => $"\"{c}\""))}.");
        return null;
    }
}
