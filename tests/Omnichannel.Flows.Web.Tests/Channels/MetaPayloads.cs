using System.Text.Json;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>
/// Messenger and Instagram webhook bodies as Meta sends them (shapes from the Messenger Platform and Instagram messaging
/// webhook references, trimmed): an <c>object</c>, and <c>entry[].messaging[]</c> items with millisecond timestamps.
/// </summary>
public static class MetaPayloads
{
    public const string AccountId = "1770000000000001";

    private static long sequence = Random.Shared.NextInt64(1_000_000_000, 8_000_000_000);

    /// <summary>A page/app-scoped user id (PSID/IGSID), unique in this test run.</summary>
    public static string NewScopedId() => $"7{Interlocked.Increment(ref sequence):D15}";

    public static string NewMid() => $"m_{Guid.NewGuid():N}";

    public static string Envelope(string envelopeObject, params string[] items) => $$"""
        {
          "object": "{{envelopeObject}}",
          "entry": [{ "id": "{{AccountId}}", "time": 1764072000000, "messaging": [{{string.Join(",", items)}}] }]
        }
        """;

    /// <summary>One <c>messaging</c> item: <paramref name="eventJson"/> is its event (<c>"message": {…}</c>, <c>"read": {…}</c>…).</summary>
    public static string Item(string sender, string recipient, DateTimeOffset at, string eventJson) => $$"""
        { "sender": { "id": "{{sender}}" }, "recipient": { "id": "{{recipient}}" }, "timestamp": {{at.ToUnixTimeMilliseconds()}}, {{eventJson}} }
        """;

    public static string FromCustomer(string customer, DateTimeOffset at, string eventJson) => Item(customer, AccountId, at, eventJson);

    public static string Text(string customer, string mid, DateTimeOffset at, string text) =>
        FromCustomer(customer, at, $$""" "message": { "mid": "{{mid}}", "text": {{Json(text)}} } """);

    /// <summary>The echo of a message the business sent: from the account, to the customer.</summary>
    public static string Echo(string customer, string mid, DateTimeOffset at, string text, string? metadata = null) =>
        Item(AccountId, customer, at, $$"""
            "message": { "mid": "{{mid}}", "is_echo": true, "app_id": 1517776481860111, {{(metadata is null ? "" : $"\"metadata\": {Json(metadata)},")}} "text": {{Json(text)}} }
            """);

    public static string Delivery(string customer, DateTimeOffset at, params string[] mids) =>
        FromCustomer(customer, at, $$""" "delivery": { "mids": {{Json(mids)}}, "watermark": {{at.ToUnixTimeMilliseconds()}} } """);

    /// <summary>Messenger's <c>message_reads</c>: everything sent at or before the watermark was read.</summary>
    public static string Read(string customer, DateTimeOffset at, DateTimeOffset watermark) =>
        FromCustomer(customer, at, $$""" "read": { "watermark": {{watermark.ToUnixTimeMilliseconds()}} } """);

    /// <summary>Instagram's <c>messaging_seen</c>: names the message seen.</summary>
    public static string Seen(string customer, DateTimeOffset at, string mid) =>
        FromCustomer(customer, at, $$""" "read": { "mid": "{{mid}}" } """);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
