using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Conversations;

public sealed class DeliveryStatusProgressionTests
{
    [Theory]
    [InlineData(DeliveryStatus.Sending, DeliveryStatus.Sent)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Delivered)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Read)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Read)]
    [InlineData(DeliveryStatus.Unknown, DeliveryStatus.Delivered)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Failed)]
    [InlineData(DeliveryStatus.Unknown, DeliveryStatus.Failed)]
    public void MovesForward(DeliveryStatus from, DeliveryStatus to) => Assert.True(DeliveryStatusProgression.CanMove(from, to));

    [Theory]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Delivered)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Sent)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Failed)]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Failed)]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Delivered)]
    [InlineData(DeliveryStatus.Received, DeliveryStatus.Read)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Queued)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Sent)]
    public void NeverMovesBackwards(DeliveryStatus from, DeliveryStatus to) => Assert.False(DeliveryStatusProgression.CanMove(from, to));
}
