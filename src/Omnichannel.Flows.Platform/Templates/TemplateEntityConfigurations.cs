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
        // Template webhooks name the template by Meta's id.
        builder.HasIndex(t => new { t.Channel, t.ExternalId });
    }
}

internal sealed class SavedReplyConfiguration : IEntityTypeConfiguration<SavedReply>
{
    public void Configure(EntityTypeBuilder<SavedReply> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(SavedReplyAdministration.MaxNameLength);
        builder.Property(r => r.Text).HasMaxLength(SavedReplyAdministration.MaxTextLength);
        builder.PrimitiveCollection(r => r.Channels).ElementType().HasConversion<string>();
        builder.HasIndex(r => r.Name).IsUnique();
    }
}
