using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Platform.Channels.Outbound;

/// <summary><c>Outbox:*</c> — how sends are retried and recovered.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Attempts before a rate-limited or unavailable send is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A send still 'sending' after this long was interrupted (a crash) and becomes 'unknown'.</summary>
    public TimeSpan SendingTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
