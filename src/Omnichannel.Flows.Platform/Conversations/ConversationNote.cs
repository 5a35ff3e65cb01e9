using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// An internal note on a customer's thread: for agents, never sent to the customer. Kept apart from
/// <see cref="Message"/> (which is also the outbox, and which service windows, costs and "last message" read), so no
/// message query has to learn to skip notes. Read with <c>GET /api/contacts/{id}/notes</c>; a merge moves them to the
/// surviving profile and an erasure deletes them with it.
/// </summary>
public sealed class ConversationNote
{
    public const int MaxLength = 4000;

    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public required string Text { get; init; }

    /// <summary>The agent who wrote it; null for automation.</summary>
    public string? AuthorUserId { get; init; }
    public string? AuthorName { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>The flow step that wrote it: unique, so a re-run of the step writes no second note.</summary>
    public string? IdempotencyKey { get; init; }
}

internal sealed class ConversationNoteConfiguration : IEntityTypeConfiguration<ConversationNote>
{
    public void Configure(EntityTypeBuilder<ConversationNote> builder)
    {
        builder.HasOne<Contact>().WithMany().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(n => n.Text).HasMaxLength(ConversationNote.MaxLength);
        builder.Property(n => n.AuthorUserId).HasMaxLength(450);
        builder.Property(n => n.AuthorName).HasMaxLength(200);
        builder.Property(n => n.IdempotencyKey).HasMaxLength(200);
        builder.HasIndex(n => new { n.ContactId, n.CreatedAt });
        builder.HasIndex(n => n.IdempotencyKey).IsUnique().HasFilter("[IdempotencyKey] IS NOT NULL");
    }
}
