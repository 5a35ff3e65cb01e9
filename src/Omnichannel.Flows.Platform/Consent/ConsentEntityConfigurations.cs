using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Consent;

internal sealed class ConsentChangeConfiguration : IEntityTypeConfiguration<ConsentChange>
{
    public void Configure(EntityTypeBuilder<ConsentChange> builder)
    {
        // Erasure deletes the profile and, with it, its consent history.
        builder.HasOne<Contact>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.Detail).HasMaxLength(ConsentChange.MaxDetailLength);
        builder.Property(c => c.ChangedByName).HasMaxLength(200);
        builder.HasIndex(c => new { c.ContactId, c.OccurredAt });
        // A failed send records the provider's opt-out once, however often its failure is reported.
        builder.HasIndex(c => new { c.MessageId, c.Source });
    }
}

internal sealed class ContactConsentConfiguration : IEntityTypeConfiguration<ContactConsent>
{
    public void Configure(EntityTypeBuilder<ContactConsent> builder)
    {
        // One current state per contact, channel and scope.
        builder.HasKey(c => new { c.ContactId, c.Channel, c.Scope });
        builder.HasOne<Contact>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        // Broadcasts ask "who is opted out on this channel?" for many recipients at once: answered from this index alone.
        builder.HasIndex(c => new { c.Channel, c.OptedIn, c.Scope, c.ContactId });
    }
}
