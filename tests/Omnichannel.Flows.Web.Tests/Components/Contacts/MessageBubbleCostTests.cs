using Bunit;
using MudBlazor.Services;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Components.Contacts;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

/// <summary>What a WhatsApp message cost, as its bubble says it: the estimate, then what the provider billed, "free" when nothing.</summary>
public sealed class MessageBubbleCostTests : BunitContext
{
    public MessageBubbleCostTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData("0.0625", null, "≈ 0.0625 USD (estimate)")]
    [InlineData("0.0625", "0.0625", "cost 0.0625 USD")]
    [InlineData("0.0625", "0", "free")]
    [InlineData("0", null, "free")]
    public void Bubble_WhatsAppMessageWithACost_ShowsTheEstimateUntilTheActualIsKnown(string estimate, string? actual, string shown)
    {
        var message = Message(ChannelKind.WhatsApp) with
        {
            Cost = new MessageCost(decimal.Parse(estimate, System.Globalization.CultureInfo.InvariantCulture),
                actual is null ? null : decimal.Parse(actual, System.Globalization.CultureInfo.InvariantCulture), "USD", "Brazil"),
        };

        var bubble = Render<MessageBubble>(p => p.Add(x => x.Message, message));

        Assert.Equal(shown, bubble.Find("[data-testid=message-cost]").TextContent.Trim());
        Assert.Equal("spring_sale · marketing", bubble.Find("[data-testid=message-template]").TextContent.Trim());
        Assert.Empty(bubble.FindAll("[data-testid=message-kind]"));
    }

    [Fact]
    public void Bubble_MessengerMessageThatFailedBecauseTheWindowClosed_SaysToWaitForTheCustomer()
    {
        var message = Message(ChannelKind.Messenger) with
        {
            Template = null, Status = DeliveryStatus.Failed, Error = new MessageError(SendFailures.WindowClosed, "10/2018278: outside the allowed window"),
        };

        var bubble = Render<MessageBubble>(p => p.Add(x => x.Message, message));

        Assert.Equal("Not delivered: the Messenger window had closed — reply when the customer writes again.",
            bubble.Find("[data-testid=message-error]").TextContent.Trim());
        Assert.Empty(bubble.FindAll("[data-testid=message-cost]"));
    }

    private static MessageView Message(ChannelKind channel) =>
        new(Guid.NewGuid(), channel, MessageDirection.Outbound, MessageOrigin.Broadcast, MessageKind.Template, "Spring sale: 20% off.",
            new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc), DeliveryStatus.Delivered, null)
        {
            Template = new MessageTemplateRef("spring_sale", "pt_BR", TemplateCategory.Marketing),
        };
}
