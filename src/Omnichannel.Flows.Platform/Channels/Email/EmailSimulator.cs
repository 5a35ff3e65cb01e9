using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>A customer writing an email: the provider's inbound-parse form, signed with the signing key.</summary>
public sealed class EmailSimulator(IOptions<EmailOptions> options, TimeProvider time) : IChannelSimulator
{
    public ChannelKind Channel => ChannelKind.Email;

    public string CustomerIdLabel => "Email address";

    public string CustomerIdExample => "anna@example.com";

    public string ExternalIdOf(SimulatedMessage message) =>
        EmailAddresses.Normalize(message.CustomerId) ?? throw new ArgumentException($"'{message.CustomerId}' is not an email address.", nameof(message));

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var address = ExternalIdOf(message);
        var now = time.GetUtcNow();
        var fields = new Dictionary<string, string>
        {
            ["sender"] = address,
            ["from"] = new MailboxAddress(message.DisplayName ?? "", address).ToString(),
            ["recipient"] = settings.FromAddress ?? "",
            ["subject"] = message.Subject ?? "Simulated email",
            ["body-plain"] = message.Text,
            ["stripped-text"] = message.Text,
            ["Message-Id"] = $"<{MimeUtils.GenerateMessageId("simulator.invalid")}>",
            ["Date"] = DateUtils.FormatDate(now),
        };
        foreach (var (name, value) in EmailWebhookSignature.Sign(settings.SigningKey ?? "", now))
        {
            fields[name] = value;
        }

        using var content = new FormUrlEncodedContent(fields);
        using var response = await self.PostAsync("webhooks/email", content, cancellationToken);
        return new SimulationResult((int)response.StatusCode, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
