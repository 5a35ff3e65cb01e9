using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Omnichannel.Flows.Platform.Templates;

internal sealed class MessageTemplateConfiguration : IEntityTypeConfiguration<MessageTemplate>
{
    public void Configure(EntityTypeBuilder<MessageTemplate> builder)
    {
        builder.Property(t => t.ExternalId).HasMaxLength(64);
        builder.Property(t => t.Name).HasMaxLength(512);
        builder.Property(t => t.Language).HasMaxLength(16);
        builder.Property(t => t.BodyText).HasMaxLength(2048);
        builder.Property(t => t.RejectedReason).HasMaxLength(500);
        builder.PrimitiveCollection(t => t.BodyParameters);
        // One template per channel, name and language: Meta's own identity of a template.
        builder.HasIndex(t => new { t.Channel, t.Name, t.Language }).IsUnique();
        builder.HasIndex(t => new { t.Channel, t.Status });
    }
}
