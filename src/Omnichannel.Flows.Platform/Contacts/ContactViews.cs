using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Contacts;

public sealed record ContactPage(IReadOnlyList<ContactSummary> Items, int Total, int Page, int PageSize);

public sealed record ContactSummary(
    Guid Id, string DisplayName, IReadOnlyList<string> Phones, IReadOnlyList<string> Emails,
    IReadOnlyList<IdentityView> Identities, IReadOnlyList<string> Tags);

public sealed record IdentityView(ChannelKind Channel, string ExternalId, string? DisplayName = null, string? Handle = null);

public sealed record ContactDetails(
    Guid Id, string DisplayName, string? FirstName, string? LastName, string? Locale, string? TimeZone,
    IReadOnlyList<PhoneView> Phones, IReadOnlyList<EmailView> Emails, IReadOnlyList<IdentityView> Identities,
    IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Fields, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record PhoneView(string Number, bool Verified);

public sealed record EmailView(string Address, bool Verified);

public sealed record UpdateContactRequest(string? DisplayName, string? FirstName, string? LastName, string? Locale, string? TimeZone);

public sealed record TagRequest(string? Tag);

public sealed record FieldValueRequest(string? Value);

public sealed record MergeRequest(Guid? OtherContactId);
