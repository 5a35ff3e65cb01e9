using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Broadcasts;

internal sealed class BroadcastConfiguration : IEntityTypeConfiguration<Broadcast>
{
    public void Configure(EntityTypeBuilder<Broadcast> builder)
    {
        builder.Property(b => b.Name).HasMaxLength(200);
        builder.Property(b => b.ConfirmedCurrency).HasMaxLength(3);
        builder.Property(b => b.WaitingReason).HasMaxLength(32);
        builder.Property(b => b.LeaseInstance).HasMaxLength(200);
        builder.HasIndex(b => new { b.State, b.CreatedAt });
    }
}

internal sealed class BroadcastRecipientConfiguration : IEntityTypeConfiguration<BroadcastRecipient>
{
    public void Configure(EntityTypeBuilder<BroadcastRecipient> builder)
    {
        builder.Property(r => r.TimeZone).HasMaxLength(64);
        builder.Property(r => r.SkipReason).HasMaxLength(32);
        builder.Property(r => r.EmailSubject).HasMaxLength(500);
        builder.Property(r => r.ErrorCode).HasMaxLength(64);
        builder.Property(r => r.ErrorReason).HasMaxLength(1000);
        builder.HasOne<Broadcast>().WithMany().HasForeignKey(r => r.BroadcastId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Cascade);

        // One recipient per customer and broadcast: a snapshot resumed after a crash cannot add anyone twice.
        builder.HasIndex(r => new { r.BroadcastId, r.ContactId }).IsUnique();

        // Claiming walks the pending recipients in id order without sorting; progress counts group by state.
        builder.HasIndex(r => new { r.BroadcastId, r.State, r.Id });

        // The messaging limit counts who was messaged outside a service window in the last 24 h.
        builder.HasIndex(r => r.OutsideWindowAt);
    }
}
