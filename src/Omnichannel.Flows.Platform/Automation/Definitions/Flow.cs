using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>
/// An automation flow: its name, whether it may start new runs, and which of its versions is live. The versions hold
/// the JSON; running instances stay on the version they started on, so published versions are never changed.
/// </summary>
public sealed class Flow
{
    /// <summary>The flow's id in its JSON (<c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$</c>), the same for all versions.</summary>
    public required string Id { get; init; }

    /// <summary>The latest saved version's name and description (what lists show).</summary>
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Disabled flows start no runs, and their active runs are cancelled.</summary>
    public FlowState Status { get; set; } = FlowState.Active;

    /// <summary>The version new runs start on; null until the first publish.</summary>
    public int? PublishedVersion { get; set; }
    public DateTime CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public DateTime UpdatedAt { get; set; }
    public List<FlowVersion> Versions { get; } = [];
}

public enum FlowState { Active, Disabled }

/// <summary>One version of a flow: a draft while it is edited, published (and then immutable) once it went live.</summary>
public sealed class FlowVersion
{
    public required string FlowId { get; init; }
    public int Version { get; init; }
    public FlowVersionState Status { get; set; }

    /// <summary>The flow document in canonical form (<c>FlowJsonWriter</c>), its <c>id</c> and <c>version</c> those of this row.</summary>
    public required string Json { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
}

public enum FlowVersionState { Draft, Published }

internal sealed class FlowConfiguration : IEntityTypeConfiguration<Flow>
{
    public void Configure(EntityTypeBuilder<Flow> builder)
    {
        builder.Property(f => f.Id).HasMaxLength(100);
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.Description).HasMaxLength(2000);
        builder.Property(f => f.CreatedBy).HasMaxLength(256);
        builder.HasMany(f => f.Versions).WithOne().HasForeignKey(v => v.FlowId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => new { f.Status, f.PublishedVersion });
    }
}

internal sealed class FlowVersionConfiguration : IEntityTypeConfiguration<FlowVersion>
{
    public void Configure(EntityTypeBuilder<FlowVersion> builder)
    {
        builder.HasKey(v => new { v.FlowId, v.Version });
        builder.Property(v => v.FlowId).HasMaxLength(100);
        builder.Property(v => v.CreatedBy).HasMaxLength(256);
        builder.Property(v => v.PublishedBy).HasMaxLength(256);
        // A draft is replaced, and a version published, only as it was read: a save or publish in between makes the
        // later one fail (FlowDefinitions answers a conflict) instead of overwriting a published version or a newer draft.
        builder.Property(v => v.Json).IsConcurrencyToken();
        builder.Property(v => v.Status).IsConcurrencyToken();
    }
}
