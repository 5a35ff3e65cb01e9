using System.Collections;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// A trigger node's inputs, read once when the trigger index is built, deciding whether an event's payload starts the
/// flow. Inputs are read through <see cref="CompiledNode.Input{T}"/> as whatever the trigger's descriptor parsed them
/// into (text, JSON, a list, a regex), so the filter does not depend on one parser's choice.
/// </summary>
public abstract class TriggerFilter
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    public abstract bool Matches(JsonElement? payload);

    public static TriggerFilter For(CompiledNode node) => node.Descriptor.Type switch
    {
        TriggerTypes.MessageReceived => new MessageReceivedFilter(node),
        TriggerTypes.TagAdded or TriggerTypes.TagRemoved => new TagFilter(TriggerInputs.Text(node, "tag")),
        TriggerTypes.SendFailed => new SendFailedFilter(TriggerInputs.Text(node, "reason") ?? "any"),
        TriggerTypes.ConversationIdle => new ConversationIdleTrigger(
            TriggerInputs.Duration(node, "duration") ?? TimeSpan.Zero, TriggerInputs.Names(node, "channels")),
        TriggerTypes.WindowClosing => new WindowTrigger(
            TriggerInputs.Text(node, "channel") ?? "whatsapp", TriggerInputs.Duration(node, "leadTime") ?? TimeSpan.FromHours(1)),
        TriggerTypes.WindowClosed => new WindowTrigger(TriggerInputs.Text(node, "channel") ?? "whatsapp", TimeSpan.Zero),
        _ => AnyEvent.Instance,
    };

    internal static string? Member(JsonElement? payload, string name) =>
        payload is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>Triggers without filters (contact created, manual, schedule).</summary>
public sealed class AnyEvent : TriggerFilter
{
    public static readonly AnyEvent Instance = new();

    public override bool Matches(JsonElement? payload) => true;
}

/// <summary><c>trigger.messageReceived</c>: <c>channels</c>, <c>keyword</c> (whole word, any case), <c>pattern</c> (regex), <c>firstMessageOnly</c>.</summary>
public sealed class MessageReceivedFilter : TriggerFilter
{
    private readonly IReadOnlySet<string>? channels;
    private readonly Regex? keyword;
    private readonly Regex? pattern;
    private readonly bool firstMessageOnly;
    private readonly bool neverMatches;

    public MessageReceivedFilter(CompiledNode node)
    {
        channels = TriggerInputs.Names(node, "channels");
        if (TriggerInputs.Text(node, "keyword") is { } word && word.Trim().Length > 0)
        {
            keyword = new Regex($@"(?<!\w){Regex.Escape(word.Trim())}(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }

        try
        {
            pattern = node.Input<object>("pattern") switch
            {
                Regex regex => regex,
                _ when TriggerInputs.Text(node, "pattern") is { Length: > 0 } text => new Regex(text, RegexOptions.CultureInvariant, RegexTimeout),
                _ => null,
            };
        }
        catch (ArgumentException)
        {
            neverMatches = true; // the validator should have refused it; an unreadable pattern starts nothing
        }

        firstMessageOnly = node.Input<bool>("firstMessageOnly");
    }

    public override bool Matches(JsonElement? payload)
    {
        if (neverMatches || (channels is not null && !channels.Contains(Member(payload, "channel") ?? "")))
        {
            return false;
        }

        if (firstMessageOnly && !(payload is { ValueKind: JsonValueKind.Object } json
                                  && json.TryGetProperty("firstMessage", out var first) && first.ValueKind == JsonValueKind.True))
        {
            return false;
        }

        var text = Member(payload, "text") ?? "";
        return (keyword is null || IsMatch(keyword, text)) && (pattern is null || IsMatch(pattern, text));
    }

    private static bool IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary><c>trigger.tagAdded</c> / <c>trigger.tagRemoved</c>: one tag (compared as tags are stored, trimmed and lower-case) or any.</summary>
public sealed class TagFilter(string? tag) : TriggerFilter
{
    private readonly string? tag = Contacts.ContactTags.Normalize(tag);

    public override bool Matches(JsonElement? payload) => tag is null || string.Equals(tag, Contacts.ContactTags.Normalize(Member(payload, "tag")), StringComparison.Ordinal);
}

/// <summary><c>trigger.sendFailed</c>: <c>reason</c> any, window_closed, opted_out or other (any other code).</summary>
public sealed class SendFailedFilter(string reason) : TriggerFilter
{
    /// <remarks>The reasons are the activity's: providers' opt-out codes (Twilio 21610, WhatsApp 131050) count as opted_out.</remarks>
    public override bool Matches(JsonElement? payload) =>
        Enum.TryParse<ChannelKind>(Member(payload, "channel"), ignoreCase: true, out var channel)
        && SendFailedTriggerActivity.Matches(reason, channel, Member(payload, "code"));
}

/// <summary><c>trigger.conversationIdle</c>: armed by customer messages (see <c>TimeTriggerArming</c>), never by an event directly.</summary>
public sealed class ConversationIdleTrigger(TimeSpan duration, IReadOnlySet<string>? channels) : TriggerFilter
{
    public TimeSpan Duration { get; } = duration;

    public bool Watches(string channel) => channels is null || channels.Contains(channel);

    public override bool Matches(JsonElement? payload) => false;
}

/// <summary><c>trigger.windowClosing</c> (<see cref="LeadTime"/> before) and <c>trigger.windowClosed</c> (zero lead time).</summary>
public sealed class WindowTrigger(string channel, TimeSpan leadTime) : TriggerFilter
{
    public string Channel { get; } = channel.ToLowerInvariant();

    public TimeSpan LeadTime { get; } = leadTime;

    public override bool Matches(JsonElement? payload) => false;
}

/// <summary>Reads trigger inputs whatever the descriptor parsed them into.</summary>
internal static class TriggerInputs
{
    public static string? Text(CompiledNode node, string name) => node.Input<object>(name) switch
    {
        string { Length: > 0 } text => text,
        JsonElement { ValueKind: JsonValueKind.String } json when json.GetString() is { Length: > 0 } text => text,
        _ => null,
    };

    public static TimeSpan? Duration(CompiledNode node, string name) => node.Input<object>(name) switch
    {
        TimeSpan span => span,
        _ when Text(node, name) is { } text && IsoDuration.TryParse(text, out var span, out _) => span,
        _ => null,
    };

    /// <summary>A set of names (e.g. channels), compared ignoring case; null (any) when unset or empty.</summary>
    public static IReadOnlySet<string>? Names(CompiledNode node, string name)
    {
        IEnumerable<string?> names = node.Input<object>(name) switch
        {
            null => [],
            string text => [text],
            JsonElement { ValueKind: JsonValueKind.Array } json => json.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null),
            JsonElement { ValueKind: JsonValueKind.String } json => [json.GetString()],
            IEnumerable items => items.Cast<object?>().Select(item => item?.ToString()),
            _ => [],
        };
        var set = names.OfType<string>().Where(n => n.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return set.Count == 0 ? null : set;
    }
}
