using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Sms;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class SmsPayloadParserTests
{
    private static readonly DateTime ReceivedAt = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
    private readonly SmsPayloadParser parser = new(new PhoneNumberNormalizer(Options.Create(new PhoneOptions { DefaultRegion = "DE" })));

    [Theory]
    [InlineData("queued", DeliveryStatus.Sent)]
    [InlineData("sending", DeliveryStatus.Sent)]
    [InlineData("sent", DeliveryStatus.Sent)]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("read", DeliveryStatus.Read)]
    [InlineData("undelivered", DeliveryStatus.Failed)]
    [InlineData("failed", DeliveryStatus.Failed)]
    public void StatusCallback_MapsTwiliosStatus(string twilioStatus, DeliveryStatus expected)
    {
        var status = Assert.IsType<InboundStatus>(Assert.Single(parser.Parse(StatusDelivery(twilioStatus), ReceivedAt)));

        Assert.Equal(expected, status.Status);
        Assert.Equal("SM123", status.ExternalId);
        Assert.Equal(ReceivedAt, status.OccurredAt);
    }

    [Fact]
    public void StatusCallback_CarriesOurMessageIdFromItsUrl_AndTheErrorCode()
    {
        var ours = Guid.NewGuid();
        var delivery = new TwilioDelivery($"/webhooks/sms/status?messageId={ours}", "MessageSid=SM123&MessageStatus=undelivered&ErrorCode=30005");

        var status = Assert.IsType<InboundStatus>(Assert.Single(parser.Parse(delivery, ReceivedAt)));

        Assert.Equal(ours, status.CorrelationId);
        Assert.Equal("30005", status.ErrorCode);
        Assert.Contains("undelivered", status.ErrorReason);
    }

    [Fact]
    public void StatusCallback_ForAnInboundMessagesStatus_IsIgnored()
    {
        Assert.Empty(parser.Parse(StatusDelivery("receiving"), ReceivedAt));
    }

    [Fact]
    public void Message_SenderIsTheProvenE164Phone_AndReceiveTimeStandsInForTheSendTime()
    {
        var delivery = new TwilioDelivery("/webhooks/sms", "MessageSid=SM9&From=%2B4915112345678&Body=Hi&NumMedia=0");

        var message = Assert.IsType<InboundMessage>(Assert.Single(parser.Parse(delivery, ReceivedAt)));

        Assert.Equal("+4915112345678", message.Customer.ExternalId);
        Assert.Equal("+4915112345678", message.Customer.ProvenPhone);
        Assert.Equal(ReceivedAt, message.SentAt);
    }

    [Fact]
    public void StoredDeliveryThatIsNotOurs_FailsSayingSo()
    {
        var exception = Assert.Throws<InboundPayloadException>(() => TwilioDelivery.Read("MessageSid=SM9"u8.ToArray()));

        Assert.Equal("", exception.Pointer);
    }

    private static TwilioDelivery StatusDelivery(string status) => new("/webhooks/sms/status", $"MessageSid=SM123&MessageStatus={status}");
}
