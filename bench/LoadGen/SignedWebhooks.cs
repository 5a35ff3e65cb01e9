using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>One webhook as Meta would deliver it: the exact body bytes and their <c>X-Hub-Signature-256</c>.</summary>
internal sealed record SignedWebhook(string MessageId, byte[] Body, string Signature);

/// <summary>
/// Cloud API <c>messages</c> webhooks, each unique (its own <c>wamid</c>) and signed with the target's app secret. Senders
/// go round a fixed set of German mobile numbers, so the app sees both new customers and returning ones.
/// </summary>
internal sealed class SignedWebhooks(string appSecret, string runTag, string phoneNumberId, int senders)
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    private readonly byte[] key = Encoding.UTF8.GetBytes(appSecret);
    private long sequence;

    /// <summary>Builds <paramref name="count"/> webhooks ahead of a step, so the send loop only sends.</summary>
    public SignedWebhook[] Create(int count)
    {
        var sentAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var webhooks = new SignedWebhook[count];
        for (var i = 0; i < count; i++)
        {
            webhooks[i] = Create(++sequence, sentAt);
        }

        return webhooks;
    }

    private SignedWebhook Create(long n, string sentAt)
    {
        var id = $"wamid.BENCH{runTag}{n:D9}";
        var sender = n % senders;
        var from = string.Create(CultureInfo.InvariantCulture, $"49151{10_000_000 + sender:D8}");
        var json = string.Create(CultureInfo.InvariantCulture, $$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"WABA-BENCH","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"{{{phoneNumberId}}}"},"contacts":[{"profile":{"name":"Bench Customer {{{sender}}}"},"wa_id":"{{{from}}}"}],"messages":[{"from":"{{{from}}}","id":"{{{id}}}","timestamp":"{{{sentAt}}}","type":"text","text":{"body":"Load test message {{{n}}}: where is my order?"}}]}}]}]}
            """);
        var body = Encoding.UTF8.GetBytes(json);
        return new SignedWebhook(id, body, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body)));
    }
}
