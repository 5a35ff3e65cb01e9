using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Channels.WhatsApp;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What Meta posts to the app when a customer writes on WhatsApp, signed with the app's (sandbox) app secret. Unlike the
/// simulator it can date the message, e.g. a day ago, so the customer's service window has closed by now.
/// </summary>
public static class WhatsAppWebhooks
{
    public static async Task CustomerWroteAsync(EndToEndApp app, string phone, string name, string text, DateTimeOffset sentAt)
    {
        var appSecret = app.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.AppSecret
            ?? throw new InvalidOperationException("The app has no WhatsApp app secret.");
        var waId = phone.TrimStart('+');
        var payload = new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "sandbox-waba",
                    changes = new[]
                    {
                        new
                        {
                            field = "messages",
                            value = new
                            {
                                messaging_product = "whatsapp",
                                metadata = new { display_phone_number = "15550000000", phone_number_id = "sandbox" },
                                contacts = new[] { new { profile = new { name }, wa_id = waId } },
                                messages = new[]
                                {
                                    new
                                    {
                                        from = waId,
                                        id = $"wamid.E2E{Guid.NewGuid():N}",
                                        timestamp = sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                                        type = "text",
                                        text = new { body = text },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        };

        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(MetaSignature.Header, MetaSignature.Sign(body, appSecret));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
