using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.WebChat;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Channels;

internal sealed class InboundEventConfiguration : IEntityTypeConfiguration<InboundEvent>
{
    public void Configure(EntityTypeBuilder<InboundEvent> builder)
    {
        builder.Property(e => e.DedupeKey).HasMaxLength(64);
        builder.Property(e => e.ContentType).HasMaxLength(200);
        builder.Property(e => e.TraceParent).HasMaxLength(64);
        builder.Property(e => e.Error).HasMaxLength(2000);
        builder.HasIndex(e => new { e.Channel, e.DedupeKey }).IsUnique();
        builder.HasIndex(e => new { e.State, e.ReceivedAt });
        builder.Ignore(e => e.Payload);
        builder.HasOne(e => e.Body).WithOne().HasForeignKey<InboundEventBody>(b => b.Id).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.Body).IsRequired();
    }
}

internal sealed class InboundEventBodyConfiguration : IEntityTypeConfiguration<InboundEventBody>
{
    public void Configure(EntityTypeBuilder<InboundEventBody> builder) => builder.ToTable("InboundEventBodies");
}

internal sealed class WebChatSessionConfiguration : IEntityTypeConfiguration<WebChatSession>
{
    public void Configure(EntityTypeBuilder<WebChatSession> builder)
    {
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasOne<Contact>().WithMany().HasForeignKey(s => s.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}
