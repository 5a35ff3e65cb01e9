namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Statuses only move forward: sent → delivered → read. A late "delivered" after "read" is ignored, and a
/// provider "failed" can no longer undo a delivery.
/// </summary>
public static class DeliveryStatusProgression
{
    public static bool CanMove(DeliveryStatus from, DeliveryStatus to)
    {
        if (from == to || from is DeliveryStatus.Received or DeliveryStatus.Failed or DeliveryStatus.Read)
        {
            return false;
        }

        return to switch
        {
            DeliveryStatus.Failed => Rank(from) < Rank(DeliveryStatus.Delivered),
            DeliveryStatus.Received or DeliveryStatus.Queued => false,
            _ => Rank(to) > Rank(from),
        };
    }

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => 0,
        DeliveryStatus.Sending => 1,
        DeliveryStatus.Unknown => 2,
        DeliveryStatus.Sent => 3,
        DeliveryStatus.Delivered => 4,
        DeliveryStatus.Read => 5,
        _ => -1,
    };
}
