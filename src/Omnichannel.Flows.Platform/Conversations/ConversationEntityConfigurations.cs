using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.HasIndex(c => c.ContactId).IsUnique();
        builder.HasIndex(c => new { c.Status, c.LastMessageAt });
        builder.HasOne<Contact>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Team>().WithMany().HasForeignKey(c => c.AssignedTeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    /// <summary>Messages we send, as SQL: the filter of the index sends are found by status through.</summary>
    public const string SentByUs = $"\"{nameof(Message.Direction)}\" = '{nameof(MessageDirection.Outbound)}'";

    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.ExternalId).HasMaxLength(256);
        builder.Property(m => m.AuthorName).HasMaxLength(200);
        builder.Property(m => m.ErrorCode).HasMaxLength(64);
        builder.Property(m => m.ErrorReason).HasMaxLength(1000);
        builder.Property(m => m.EmailSubject).HasMaxLength(500);
        builder.Property(m => m.EmailMessageId).HasMaxLength(500);
        builder.Property(m => m.EmailInReplyTo).HasMaxLength(500);
        builder.Property(m => m.PricingCategory).HasMaxLength(32);
        builder.Property(m => m.PricingType).HasMaxLength(32);
        builder.Property(m => m.TemplateName).HasMaxLength(512);
        builder.Property(m => m.ProviderTag).HasMaxLength(32);
        builder.Property(m => m.TemplateLanguage).HasMaxLength(16);
        builder.Property(m => m.CostCurrency).HasMaxLength(3);
        builder.Property(m => m.CostMarket).HasMaxLength(64);

        // One message per channel + provider id: redelivered webhooks cannot store a message twice.
        builder.HasIndex(m => new { m.Channel, m.ExternalId }).IsUnique().HasFilter("[ExternalId] IS NOT NULL");
        builder.HasIndex(m => new { m.ContactId, m.SentAt });
        // Sends by status (the outbox's queued and stuck sends, a read receipt's sent messages, the month's template volume):
        // only messages we send are in it. A customer's message (always 'received') is in none of its queries, and the
        // index held one entry per received message for nothing. Queries that use it say Direction = Outbound.
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt }).HasFilter(SentByUs);
        // Our messages to one customer's identity: what a read watermark marks read, and the send an echo of our own
        // message answers (Messenger, Instagram). Only messages we send are in it.
        builder.HasIndex(m => new { m.ChannelIdentityId, m.SentAt }).HasFilter(SentByUs);
        // Email threading finds the messages a reply refers to. Only messages with an email id are in it: every message
        // is an insert into each index that holds it, and most (a customer's WhatsApp message, say) have none.
        builder.HasIndex(m => m.EmailMessageId).HasFilter(IndexFilters.NotNull(nameof(Message.EmailMessageId)));
        builder.Property(m => m.IdempotencyKey).HasMaxLength(200);
        builder.HasIndex(m => m.IdempotencyKey).IsUnique().HasFilter("[IdempotencyKey] IS NOT NULL");
        // A broadcast's progress counts its messages by status; only broadcast messages are in it.
        builder.HasIndex(m => new { m.BroadcastId, m.Status }).HasFilter(IndexFilters.NotNull(nameof(Message.BroadcastId)));
    }
}

internal sealed class PendingDeliveryStatusConfiguration : IEntityTypeConfiguration<PendingDeliveryStatus>
{
    public void Configure(EntityTypeBuilder<PendingDeliveryStatus> builder)
    {
        builder.Property(s => s.ExternalId).HasMaxLength(256);
        builder.Property(s => s.ErrorCode).HasMaxLength(64);
        builder.Property(s => s.ErrorReason).HasMaxLength(1000);
        builder.Property(s => s.PricingCategory).HasMaxLength(32);
        builder.Property(s => s.PricingType).HasMaxLength(32);
        builder.HasIndex(s => new { s.Channel, s.ExternalId });
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> builder)
    {
        builder.HasKey(m => new { m.TeamId, m.UserId });
        builder.HasIndex(m => m.UserId);
    }
}
