using Omnichannel.Flows.Engine;
namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Why the platform thinks two profiles may be one person. Agents accept (merge) or dismiss it.</summary>
public sealed class MergeSuggestion
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public Guid CandidateContactId { get; set; }
    public MergeSuggestionReason Reason { get; init; }

    /// <summary>What was seen: the claimed address, the number mentioned in a message.</summary>
    public required string Evidence { get; init; }
    public MergeSuggestionStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolvedByUserId { get; set; }
}

public enum MergeSuggestionReason
{
    /// <summary>A web chat visitor claimed an email or phone of another profile without the site vouching for it.</summary>
    UnverifiedClaim,
    /// <summary>A message mentioned a phone or email that belongs to another profile.</summary>
    MentionedInMessage,
    /// <summary>A channel proved a phone or email that another profile already owns.</summary>
    SharedIdentifier,
}

public enum MergeSuggestionStatus { Pending, Accepted, Dismissed }

/// <summary>Audit of a merge: who folded which profile into which, and what moved.</summary>
public sealed class ContactMergeRecord
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid TargetContactId { get; init; }
    public Guid SourceContactId { get; init; }
    public required string SourceDisplayName { get; init; }
    public string? MergedByUserId { get; init; }
    public string? MergedByName { get; init; }
    public DateTime MergedAt { get; init; }

    /// <summary>JSON: identities, phones, emails, tags and fields that moved, and the message count.</summary>
    public required string Moved { get; init; }
}

/// <summary>What is left of an erased profile: counts without anything that identifies the person.</summary>
public sealed class ContactErasureRecord
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public DateTime ErasedAt { get; init; }
    public string? ErasedByUserId { get; init; }
    public int MessageCount { get; init; }

    /// <summary>JSON object channel → message count.</summary>
    public required string MessagesByChannel { get; init; }
}
