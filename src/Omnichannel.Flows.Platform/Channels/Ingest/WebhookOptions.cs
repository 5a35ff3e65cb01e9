using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary><c>Webhooks:*</c> — how deliveries are accepted, processed and kept.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Larger bodies are refused with 413 (email with attachments is the largest).</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Raw deliveries are deleted this many days after they arrived.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>How often the processor looks for deliveries when nothing signalled it (other instances, restarts).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many stored deliveries the processor claims at once. It records them in slices sized to its time budget, so a
    /// large claim costs no latency; it spares claims and lets a backlog's slices grow (customer messages are recorded
    /// many to one save).
    /// </summary>
    [Range(1, 1000)]
    public int ProcessingBatchSize { get; set; } = 400;

    /// <summary>A delivery that fails this many times is kept as failed (dead letter) for inspection.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;
}
