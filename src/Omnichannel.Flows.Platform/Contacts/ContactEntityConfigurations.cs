using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Omnichannel.Flows.Platform.Contacts;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.Property(c => c.DisplayName).HasMaxLength(200);
        builder.Property(c => c.FirstName).HasMaxLength(100);
        builder.Property(c => c.LastName).HasMaxLength(100);
        builder.Property(c => c.Locale).HasMaxLength(35);
        builder.Property(c => c.TimeZone).HasMaxLength(64);
        builder.HasIndex(c => c.DisplayName);
        builder.HasIndex(c => c.MergedIntoId);
        builder.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Emails).WithOne().HasForeignKey(e => e.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Tags).WithOne().HasForeignKey(t => t.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Fields).WithOne().HasForeignKey(f => f.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ContactPhoneConfiguration : IEntityTypeConfiguration<ContactPhone>
{
    public void Configure(EntityTypeBuilder<ContactPhone> builder)
    {
        builder.Property(p => p.Number).HasMaxLength(20);
        builder.Property(p => p.MatchKey).HasMaxLength(20);
        builder.HasIndex(p => new { p.ContactId, p.MatchKey }).IsUnique();
        builder.HasIndex(p => p.MatchKey);
    }
}

internal sealed class ContactEmailConfiguration : IEntityTypeConfiguration<ContactEmail>
{
    public void Configure(EntityTypeBuilder<ContactEmail> builder)
    {
        builder.Property(e => e.Address).HasMaxLength(254);
        builder.HasIndex(e => new { e.ContactId, e.Address }).IsUnique();
        builder.HasIndex(e => e.Address);
    }
}

internal sealed class ContactTagConfiguration : IEntityTypeConfiguration<ContactTag>
{
    public void Configure(EntityTypeBuilder<ContactTag> builder)
    {
        builder.HasKey(t => new { t.ContactId, t.Tag });
        builder.Property(t => t.Tag).HasMaxLength(64);
        builder.HasIndex(t => t.Tag);
    }
}

internal sealed class ContactFieldConfiguration : IEntityTypeConfiguration<ContactField>
{
    public void Configure(EntityTypeBuilder<ContactField> builder)
    {
        builder.HasKey(f => new { f.ContactId, f.Key });
        builder.Property(f => f.Key).HasMaxLength(64);
        builder.Property(f => f.Value).HasMaxLength(2000);
    }
}

internal sealed class ChannelIdentityConfiguration : IEntityTypeConfiguration<ChannelIdentity>
{
    public void Configure(EntityTypeBuilder<ChannelIdentity> builder)
    {
        builder.Property(i => i.ExternalId).HasMaxLength(256);
        builder.Property(i => i.DisplayName).HasMaxLength(200);
        builder.Property(i => i.Handle).HasMaxLength(200);
        // One identity per channel + external user id: the invariant identity matching relies on.
        builder.HasIndex(i => new { i.Channel, i.ExternalId }).IsUnique();
    }
}

internal sealed class MergeSuggestionConfiguration : IEntityTypeConfiguration<MergeSuggestion>
{
    public void Configure(EntityTypeBuilder<MergeSuggestion> builder)
    {
        builder.Property(s => s.Evidence).HasMaxLength(400);
        builder.HasIndex(s => new { s.ContactId, s.Status });
        builder.HasIndex(s => new { s.CandidateContactId, s.Status });
    }
}

internal sealed class ContactMergeRecordConfiguration : IEntityTypeConfiguration<ContactMergeRecord>
{
    public void Configure(EntityTypeBuilder<ContactMergeRecord> builder)
    {
        builder.Property(m => m.SourceDisplayName).HasMaxLength(200);
        builder.HasIndex(m => m.TargetContactId);
        builder.HasIndex(m => m.SourceContactId);
    }
}
