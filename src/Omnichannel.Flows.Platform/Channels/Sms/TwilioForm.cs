using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>The parameters of a Twilio form post (<c>application/x-www-form-urlencoded</c>), in the order posted.</summary>
public sealed class TwilioForm
{
    private TwilioForm(IReadOnlyList<KeyValuePair<string, string>> parameters) => Parameters = parameters;

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    public static TwilioForm Parse(string body) => new(
        [.. QueryHelpers.ParseQuery(body).SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")))]);

    public static TwilioForm Parse(byte[] body) => Parse(Encoding.UTF8.GetString(body));

    public static TwilioForm Of(IEnumerable<KeyValuePair<string, string>> parameters) => new([.. parameters]);

    /// <summary>The parameter's (first) value, or null when it was not posted.</summary>
    public string? this[string name] => Parameters.FirstOrDefault(p => p.Key == name) is { Key: not null } found ? found.Value : null;

    public string Required(string name) =>
        this[name] is { Length: > 0 } value ? value : throw new InboundPayloadException($"'{name}' is missing.", name);

    public FormUrlEncodedContent ToContent() => new(Parameters);
}
