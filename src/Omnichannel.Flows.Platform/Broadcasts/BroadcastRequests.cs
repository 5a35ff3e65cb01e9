using System.Globalization;
using System.Text.Json.Serialization;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// A broadcast as the API writes and reads it (<c>POST /api/broadcasts</c>, <c>PUT /api/broadcasts/{id}</c>, and the
/// <c>definition</c> of <c>GET /api/broadcasts/{id}</c>). Everything but the name may be left out of a draft.
/// </summary>
/// <param name="Purpose"><c>marketing</c> (default) or <c>transactional</c>: what consent is asked for.</param>
/// <param name="Channels">The priority list, e.g. <c>["whatsapp", "sms", "email"]</c>.</param>
/// <param name="Content">Per channel name: <c>{ template, parameters }</c> for WhatsApp, <c>{ text }</c> (and <c>subject</c> for email) elsewhere.</param>
public sealed record BroadcastRequest(
    string? Name, string? Purpose, AudienceRequest? Audience, IReadOnlyList<string>? Channels,
    IReadOnlyDictionary<string, ChannelContentRequest>? Content, QuietHoursRequest? QuietHours)
{
    public static BroadcastRequest From(Broadcast broadcast, BroadcastDefinition definition) => new(
        broadcast.Name,
        broadcast.Purpose.ToString().ToLowerInvariant(),
        new AudienceRequest(
            definition.Audience.Tags, definition.Audience.TagMatch.ToString().ToLowerInvariant(),
            definition.Audience.ReachableOn?.Select(c => c.ToName()).ToList(),
            definition.Audience.Fields?.Select(f => new FieldFilterRequest(f.Key, f.Value)).ToList()),
        [.. definition.Channels.Select(c => c.ToName())],
        definition.Content.ToDictionary(c => c.Key.ToName(), c => new ChannelContentRequest(
            c.Value.Template is { } t ? new TemplateRefRequest(t.Name, t.Language) : null, c.Value.Parameters, c.Value.Text, c.Value.Subject)),
        definition.QuietHours is { } quiet
            ? new QuietHoursRequest(quiet.Start.ToString("HH:mm", CultureInfo.InvariantCulture), quiet.End.ToString("HH:mm", CultureInfo.InvariantCulture))
            : null);
}

/// <param name="TagMatch"><c>all</c> (default) or <c>any</c> of <see cref="Tags"/>.</param>
/// <param name="ReachableOn">Channel names; the customer must be reachable on at least one.</param>
public sealed record AudienceRequest(
    IReadOnlyList<string>? Tags = null, string? TagMatch = null, IReadOnlyList<string>? ReachableOn = null, IReadOnlyList<FieldFilterRequest>? Fields = null);

public sealed record FieldFilterRequest(string? Key, [property: JsonPropertyName("equals")] string? Value);

public sealed record ChannelContentRequest(
    TemplateRefRequest? Template = null, IReadOnlyDictionary<string, ParameterSource>? Parameters = null, string? Text = null, string? Subject = null);

public sealed record TemplateRefRequest(string? Name, string? Language);

/// <param name="Start">Local time quiet hours begin, <c>HH:mm</c> (e.g. <c>21:00</c>).</param>
/// <param name="End">Local time they end (e.g. <c>08:00</c>).</param>
public sealed record QuietHoursRequest(string? Start, string? End);

/// <summary><c>POST /api/broadcasts/{id}/schedule</c>.</summary>
/// <param name="At">When to start (UTC); now when left out.</param>
/// <param name="ConfirmTotal">The estimate's total the marketer saw (<c>GET …/estimate</c>): sending starts only if it still holds.</param>
public sealed record ScheduleRequest(DateTime? At, decimal? ConfirmTotal);

/// <summary><c>POST /api/broadcasts/{id}/test</c>: the contact (the marketer's own test profile) to send the message to.</summary>
public sealed record TestSendRequest(Guid? ContactId);

/// <summary><c>POST /api/broadcasts/audience/preview</c>: the audience (and, for the channel each would get, the rest of a definition).</summary>
public sealed record PreviewRequest(string? Purpose, AudienceRequest? Audience, IReadOnlyList<string>? Channels,
    IReadOnlyDictionary<string, ChannelContentRequest>? Content, int? SampleSize);
