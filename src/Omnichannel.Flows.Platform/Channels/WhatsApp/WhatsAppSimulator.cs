using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary>A customer writing on WhatsApp: a Cloud API <c>messages</c> webhook signed with the app secret.</summary>
public sealed class WhatsAppSimulator(IOptions<WhatsAppOptions> options, PhoneNumberNormalizer phones, TimeProvider time) : IChannelSimulator
{
    public ChannelKind Channel => ChannelKind.WhatsApp;

    public string CustomerIdLabel => "Phone number";

    public string CustomerIdExample => "+49 151 23456789";

    public string ExternalIdOf(SimulatedMessage message) => WaId(message);

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var waId = WaId(message);
        var payload = new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = settings.BusinessAccountId ?? "sandbox-waba",
                    changes = new[]
                    {
                        new
                        {
                            field = "messages",
                            value = new
                            {
                                messaging_product = "whatsapp",
                                metadata = new { display_phone_number = "15550000000", phone_number_id = settings.PhoneNumberId },
                                contacts = new[] { new { profile = new { name = message.DisplayName ?? "Simulated customer" }, wa_id = waId } },
                                messages = new[]
                                {
                                    new
                                    {
                                        from = waId,
                                        id = $"wamid.SIM{Guids.NewRandom():N}",
                                        timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                                        type = "text",
                                        text = new { body = message.Text },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        };
        return await MetaSimulatedWebhook.PostAsync(self, Channel, payload, settings.AppSecret, cancellationToken);
    }

    private string WaId(SimulatedMessage message) =>
        (phones.Normalize(message.CustomerId) ?? throw new ArgumentException($"'{message.CustomerId}' is not a phone number.", nameof(message)))
        .TrimStart('+');
}
