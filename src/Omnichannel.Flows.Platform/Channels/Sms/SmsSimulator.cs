using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>A customer texting the business: Twilio's incoming-message form post, signed with the auth token.</summary>
public sealed class SmsSimulator(IOptions<SmsOptions> options, PhoneNumberNormalizer phones) : IChannelSimulator
{
    public ChannelKind Channel => ChannelKind.Sms;

    public string CustomerIdLabel => "Phone number";

    public string CustomerIdExample => "+49 151 23456789";

    public string ExternalIdOf(SimulatedMessage message) => Phone(message);

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var form = TwilioForm.Of(new Dictionary<string, string>
        {
            ["MessageSid"] = $"SM{Guids.NewRandom():N}",
            ["AccountSid"] = settings.AccountSid ?? "",
            ["From"] = Phone(message),
            ["To"] = settings.FromNumber ?? "",
            ["Body"] = message.Text,
            ["NumMedia"] = "0",
        });
        var ownUrl = new Uri(self.BaseAddress!, SmsChannel.MessagePath.TrimStart('/')).AbsoluteUri;
        var signedUrl = TwilioSignature.PublicUrl(settings.WebhookUrl, ownUrl, SmsChannel.MessagePath);
        using var request = new HttpRequestMessage(HttpMethod.Post, ownUrl) { Content = form.ToContent() };
        request.Headers.Add(TwilioSignature.Header, TwilioSignature.Sign(settings.AuthToken ?? "", signedUrl, form));
        using var response = await self.SendAsync(request, cancellationToken);
        return await SimulationResult.FromAsync(response, cancellationToken);
    }

    private string Phone(SimulatedMessage message) =>
        phones.Normalize(message.CustomerId) ?? throw new ArgumentException($"'{message.CustomerId}' is not a phone number.", nameof(message));
}
