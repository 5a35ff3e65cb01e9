using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>The state of a customer's one thread: open or resolved, and who handles it.</summary>
public sealed class Conversation
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public ConversationStatus Status { get; set; } = ConversationStatus.Open;
    public string? AssignedUserId { get; set; }
    public Guid? AssignedTeamId { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? LastMessageAt { get; set; }

    /// <summary>When the customer's latest message was sent (provider time) and on which channel.</summary>
    public DateTime? LastCustomerMessageAt { get; set; }
    public ChannelKind? LastCustomerChannel { get; set; }

    /// <summary>A message of either side, sent at <paramref name="sentAt"/>, joined the thread now.</summary>
    public void MessageAdded(DateTime sentAt, DateTime now)
    {
        LastMessageAt = LastMessageAt is { } last && last > sentAt ? last : sentAt;
        UpdatedAt = now;
    }

    /// <summary>
    /// The customer wrote on <paramref name="channel"/> at <paramref name="sentAt"/> (provider time): their latest message
    /// is remembered, and a resolved thread opens again.
    /// </summary>
    /// <returns>Whether the thread was resolved and is open again.</returns>
    public bool CustomerWrote(ChannelKind channel, DateTime sentAt)
    {
        if (LastCustomerMessageAt is null || sentAt >= LastCustomerMessageAt)
        {
            LastCustomerMessageAt = sentAt;
            LastCustomerChannel = channel;
        }

        if (Status != ConversationStatus.Resolved)
        {
            return false;
        }

        Status = ConversationStatus.Open;
        ResolvedAt = null;
        return true;
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<ConversationStatus>))]
public enum ConversationStatus
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

public sealed class Team
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public required string Name { get; set; }
    public DateTime CreatedAt { get; init; }
    public List<TeamMember> Members { get; } = [];
}

public sealed class TeamMember
{
    public Guid TeamId { get; set; }
    public required string UserId { get; set; }
}
