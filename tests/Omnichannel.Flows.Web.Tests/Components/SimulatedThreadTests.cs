using Bunit;
using MudBlazor.Services;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Components.Simulator;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class SimulatedThreadTests : BunitContext
{
    private static readonly DateTime Noon = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    public SimulatedThreadTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Thread_ShowsWhatTheCustomerSentAndReceived_FromTheirSide()
    {
        var cut = Render<SimulatedThread>(p => p.Add(t => t.Messages,
        [
            Inbound("Do you ship to Austria?"),
            Outbound("Yes, in 3 days.", DeliveryStatus.Delivered) with { AuthorName = "Maria" },
            Outbound("Anything else?", DeliveryStatus.Sent) with { Sandbox = true },
        ]));

        var bubbles = cut.FindAll("[data-testid=sim-message]");
        Assert.Equal(3, bubbles.Count);
        Assert.Contains("Do you ship to Austria?", bubbles[0].TextContent);
        Assert.Equal("sent", Side(bubbles[0]));
        Assert.Contains("outbound", bubbles[0].ClassList); // the customer's own message sits on their side
        Assert.Contains("Yes, in 3 days.", bubbles[1].TextContent);
        Assert.Equal("received", Side(bubbles[1]));
        Assert.Contains("from Maria", bubbles[1].TextContent);
        Assert.Contains("inbound", bubbles[1].ClassList);
        Assert.Equal("received (sandbox)", Side(bubbles[2]));
    }

    [Fact]
    public void Thread_ReplyNotYetSentOrFailed_IsNotShownAsReceived()
    {
        var cut = Render<SimulatedThread>(p => p.Add(t => t.Messages,
        [
            Outbound("Queued reply", DeliveryStatus.Queued),
            Outbound("Failed reply", DeliveryStatus.Failed) with { Error = new MessageError("131026", "Receiver is incapable of receiving this message") },
        ]));

        var bubbles = cut.FindAll("[data-testid=sim-message]");
        Assert.Equal("on its way", Side(bubbles[0]));
        Assert.Equal("not delivered", Side(bubbles[1]));
        Assert.Contains("Receiver is incapable of receiving this message", bubbles[1].TextContent);
    }

    [Fact]
    public void Thread_WithoutMessages_SaysSo()
    {
        var cut = Render<SimulatedThread>(p => p.Add(t => t.Messages, []));

        Assert.Contains("No messages yet.", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=sim-message]"));
    }

    private static string Side(AngleSharp.Dom.IElement bubble) => bubble.QuerySelector("[data-testid=sim-message-side]")!.TextContent.Trim();

    private static MessageView Inbound(string text) => new(
        Guid.NewGuid(), ChannelKind.WhatsApp, MessageDirection.Inbound, MessageOrigin.Customer, MessageKind.Text, text, Noon,
        DeliveryStatus.Received, null);

    private static MessageView Outbound(string text, DeliveryStatus status) => new(
        Guid.NewGuid(), ChannelKind.WhatsApp, MessageDirection.Outbound, MessageOrigin.Agent, MessageKind.Text, text, Noon.AddMinutes(1),
        status, null);
}
