using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>One customer, whatever channels they write on.</summary>
public sealed class Contact
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public string DisplayName { get; set; } = "";
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Locale { get; set; }
    public string? TimeZone { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Set when this profile was folded into another; the profile is then an empty tombstone.</summary>
    public Guid? MergedIntoId { get; set; }

    public List<ContactPhone> Phones { get; } = [];
    public List<ContactEmail> Emails { get; } = [];
    public List<ContactTag> Tags { get; } = [];
    public List<ContactField> Fields { get; } = [];
    public List<ChannelIdentity> Identities { get; } = [];

    /// <summary>
    /// Fills the names this profile lacks from what a channel says of the customer, and replaces a placeholder display
    /// name (a phone number, "… visitor") with the customer's own.
    /// </summary>
    public void FillNamesFrom(CustomerIdentity customer)
    {
        FirstName ??= customer.FirstName;
        LastName ??= customer.LastName;
        if (customer.DisplayName is { } name && (DisplayName.StartsWith('+') || DisplayName.EndsWith(" visitor", StringComparison.Ordinal)))
        {
            DisplayName = name;
        }
    }
}

/// <summary>A phone number in E.164. <see cref="MatchKey"/> folds the forms one number takes across channels.</summary>
public sealed class ContactPhone
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public required string Number { get; set; }
    public required string MatchKey { get; set; }

    /// <summary>True when a channel proved the customer owns it (they wrote from it) or the website vouched for it.</summary>
    public bool Verified { get; set; }
    public DateTime AddedAt { get; init; }
}

public sealed class ContactEmail
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public required string Address { get; set; }
    public bool Verified { get; set; }
    public DateTime AddedAt { get; init; }
}

public sealed class ContactTag
{
    public Guid ContactId { get; set; }
    public required string Tag { get; set; }
    public DateTime AddedAt { get; init; }
}

public sealed class ContactField
{
    public Guid ContactId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>Who the customer is on one channel: a WhatsApp id, a page-scoped id, a phone, an address.</summary>
public sealed class ChannelIdentity
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public ChannelKind Channel { get; init; }
    public required string ExternalId { get; init; }
    public string? DisplayName { get; set; }
    public string? Handle { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime LastSeenAt { get; set; }

    /// <summary>When the customer last wrote from this identity, by the provider's clock: the service window's start.</summary>
    public DateTime? LastInboundAt { get; set; }

    /// <summary>That last message came from a free entry point (click-to-WhatsApp ad, page button): a longer free window.</summary>
    public bool LastInboundFromFreeEntryPoint { get; set; }

    /// <summary>The customer was seen on this identity now (a message either way): the names the channel gives win.</summary>
    public void Seen(CustomerIdentity customer, DateTime now)
    {
        LastSeenAt = now;
        DisplayName = customer.DisplayName ?? DisplayName;
        Handle = customer.Handle ?? Handle;
    }

    /// <summary>
    /// The customer wrote from this identity at <paramref name="sentAt"/>: the service window runs from their latest
    /// message, by the provider's clock (deliveries can arrive late and out of order).
    /// </summary>
    public void CustomerWrote(DateTime sentAt, bool fromFreeEntryPoint)
    {
        if (LastInboundAt is null || sentAt >= LastInboundAt)
        {
            LastInboundAt = sentAt;
            LastInboundFromFreeEntryPoint = fromFreeEntryPoint;
        }
    }
}
