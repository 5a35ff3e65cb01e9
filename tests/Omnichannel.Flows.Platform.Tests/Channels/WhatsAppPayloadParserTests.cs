using System.Text;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.WhatsApp;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class WhatsAppPayloadParserTests
{
    private readonly WhatsAppPayloadParser parser = new(new PhoneNumberNormalizer(Options.Create(new PhoneOptions { DefaultRegion = "DE" })));

    [Fact]
    public void TextMessage_CarriesSenderPhoneNameAndProviderTime()
    {
        var message = Assert.IsType<InboundMessage>(Assert.Single(Parse(
            """
            "contacts": [{ "profile": { "name": "Jo" }, "wa_id": "5215512345678" }],
            "messages": [{ "from": "5215512345678", "id": "wamid.A", "timestamp": "1764072000", "type": "text", "text": { "body": "hola" } }]
            """)));

        Assert.Equal("wamid.A", message.ExternalId);
        Assert.Equal("5215512345678", message.Customer.ExternalId);
        Assert.Equal("+525512345678", message.Customer.ProvenPhone);
        Assert.Equal("Jo", message.Customer.DisplayName);
        Assert.Equal(new DateTime(2025, 11, 25, 12, 0, 0, DateTimeKind.Utc), message.SentAt);
        Assert.Equal("hola", message.Text);
    }

    [Fact]
    public void HiddenNumber_MatchesOnTheBusinessScopedUserId()
    {
        var message = Assert.IsType<InboundMessage>(Assert.Single(Parse(
            """
            "contacts": [{ "profile": { "name": "Private" }, "wa_id": "", "user_id": "US.1349120865" }],
            "messages": [{ "from": "", "from_user_id": "US.1349120865", "id": "wamid.B", "timestamp": "1764072000", "type": "text", "text": { "body": "hi" } }]
            """)));

        Assert.Equal("US.1349120865", message.Customer.ExternalId);
        Assert.Null(message.Customer.ProvenPhone);
    }

    [Fact]
    public void NumberAndUserId_BothIdentifyTheCustomer()
    {
        var message = Assert.IsType<InboundMessage>(Assert.Single(Parse(
            """
            "contacts": [{ "profile": { "name": "Both" }, "wa_id": "4915112345678", "user_id": "DE.99" }],
            "messages": [{ "from": "4915112345678", "id": "wamid.C", "timestamp": "1764072000", "type": "text", "text": { "body": "hi" } }]
            """)));

        Assert.Equal("4915112345678", message.Customer.ExternalId);
        Assert.Equal(["DE.99"], message.Customer.AlternateIds);
    }

    [Fact]
    public void InteractiveReplyAndReferral_AreUnderstood()
    {
        var message = Assert.IsType<InboundMessage>(Assert.Single(Parse(
            """
            "messages": [{ "from": "4915112345678", "id": "wamid.D", "timestamp": "1764072000", "type": "interactive",
              "interactive": { "type": "button_reply", "button_reply": { "id": "yes", "title": "Yes please" } },
              "referral": { "source_type": "ad", "source_id": "123" } }]
            """)));

        Assert.Equal(MessageKind.Interactive, message.Kind);
        Assert.Equal("Yes please", message.Text);
        Assert.True(message.FromFreeEntryPoint);
    }

    [Fact]
    public void Status_CarriesPricingErrorAndOurCorrelationId()
    {
        var ours = Guid.NewGuid();
        var status = Assert.IsType<InboundStatus>(Assert.Single(Parse(
            $$"""
            "statuses": [{ "id": "wamid.E", "status": "failed", "timestamp": "1764072000", "recipient_id": "4915112345678",
              "biz_opaque_callback_data": "{{ours}}",
              "pricing": { "billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular" },
              "errors": [{ "code": 131047, "title": "Re-engagement message", "error_data": { "details": "More than 24 hours have passed" } }] }]
            """)));

        Assert.Equal(DeliveryStatus.Failed, status.Status);
        Assert.Equal(ours, status.CorrelationId);
        Assert.Equal("131047", status.ErrorCode);
        Assert.Equal("Re-engagement message: More than 24 hours have passed", status.ErrorReason);
        Assert.Equal("marketing", status.PricingCategory);
        Assert.True(status.PricingBillable);
    }

    [Fact]
    public void OtherFieldsAndUnknownStatuses_AreIgnored()
    {
        var body = """
            { "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [
              { "field": "account_update", "value": { "event": "VERIFIED_ACCOUNT" } },
              { "field": "messages", "value": { "statuses": [{ "id": "wamid.F", "status": "deleted", "timestamp": "1764072000" }] } } ] }] }
            """;

        Assert.Empty(parser.Parse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void MessageWithoutTimestamp_FailsWithWhere()
    {
        var error = Assert.Throws<InboundPayloadException>(() => Parse(
            """ "messages": [{ "from": "4915112345678", "id": "wamid.G", "type": "text", "text": { "body": "x" } }] """));

        Assert.Equal("/entry/0/changes/0/value/messages/0/timestamp", error.Pointer);
    }

    private IReadOnlyList<InboundItem> Parse(string value) => parser.Parse(Encoding.UTF8.GetBytes(
        $$"""{ "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": { "messaging_product": "whatsapp", {{value}} } }] }] }"""));
}
