using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary>
/// A customer writing to the bot in a private chat: Bot API updates with the webhook's secret token. With
/// <see cref="SimulatedMessage.SharedPhone"/> the customer first shares their own contact, as Telegram's "share my phone
/// number" button does.
/// </summary>
public sealed class TelegramSimulator(IOptions<TelegramOptions> options, TimeProvider time) : IChannelSimulator
{
    public ChannelKind Channel => ChannelKind.Telegram;

    public string CustomerIdLabel => "Telegram user id or username";

    public string CustomerIdExample => "anna_example";

    /// <summary>A private chat's id is the user's id.</summary>
    public string ExternalIdOf(SimulatedMessage message) => UserId(message).ToString(CultureInfo.InvariantCulture);

    public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
    {
        if (message.SharedPhone is { Length: > 0 } phone)
        {
            var contact = new { phone_number = phone, first_name = FirstName(message), user_id = UserId(message) };
            var shared = await PostAsync(self, Update(message, "contact", contact), cancellationToken);
            if (!shared.Accepted)
            {
                return shared;
            }
        }

        return await PostAsync(self, Update(message, "text", message.Text), cancellationToken);
    }

    /// <summary>An update with a new private-chat message whose content is <paramref name="field"/> (text, contact…).</summary>
    private Dictionary<string, object> Update(SimulatedMessage message, string field, object content)
    {
        var userId = UserId(message);
        var username = long.TryParse(message.CustomerId, out _) ? null : message.CustomerId.TrimStart('@');
        var envelope = new Dictionary<string, object?>
        {
            ["message_id"] = RandomNumberGenerator.GetInt32(1, int.MaxValue),
            ["from"] = new { id = userId, is_bot = false, first_name = FirstName(message), username },
            ["chat"] = new { id = userId, type = "private", first_name = FirstName(message), username },
            ["date"] = time.GetUtcNow().ToUnixTimeSeconds(),
            [field] = content,
        };
        return new Dictionary<string, object> { ["update_id"] = RandomNumberGenerator.GetInt32(1, int.MaxValue), ["message"] = envelope };
    }

    private async Task<SimulationResult> PostAsync(HttpClient self, Dictionary<string, object> update, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/telegram")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(update)),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(TelegramInboundChannel.SecretHeader, options.Value.SecretToken ?? "");
        using var response = await self.SendAsync(request, cancellationToken);
        return await SimulationResult.FromAsync(response, cancellationToken);
    }

    private static string FirstName(SimulatedMessage message) => message.DisplayName ?? message.CustomerId.TrimStart('@');

    /// <summary>The numeric id given, or a stable one derived from a username.</summary>
    private static long UserId(SimulatedMessage message) =>
        long.TryParse(message.CustomerId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : (long)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(message.CustomerId.Trim().TrimStart('@').ToLowerInvariant()))) % 1_000_000_000_000) + 1;
}
