using System.ComponentModel.DataAnnotations;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary><c>Broadcasts:*</c> — how fast bulk sends go and what they may not exceed.</summary>
public sealed class BroadcastOptions : IValidatableObject
{
    public const string Section = "Broadcasts";

    /// <summary>Messages per second the WhatsApp sending number may take (Meta: 80 by default, up to 1,000).</summary>
    [Range(1, 1000)]
    public int WhatsAppMessagesPerSecond { get; set; } = 80;

    [Range(1, 1000)]
    public int SmsMessagesPerSecond { get; set; } = 10;

    [Range(1, 1000)]
    public int EmailMessagesPerSecond { get; set; } = 10;

    /// <summary>Messenger, Instagram, Telegram, TikTok and web chat.</summary>
    [Range(1, 1000)]
    public int OtherChannelsMessagesPerSecond { get; set; } = 20;

    /// <summary>
    /// The WhatsApp messaging limit: unique customers messaged outside a service window per rolling 24 h (Meta's tiers:
    /// 250, 2,000, 10,000, 100,000, unlimited). 0 means unlimited.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MessagingLimit { get; set; } = 1000;

    /// <summary>The IANA time zone for quiet hours of customers whose profile has none.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>Most recipients claimed (and their messages created) in one transaction.</summary>
    [Range(1, 5000)]
    public int ChunkSize { get; set; } = 250;

    /// <summary>Most provider calls under way at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentSends { get; set; } = 64;

    /// <summary>Attempts before a recipient the provider keeps refusing for now (rate limits, outages) fails.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a runner's claim on a broadcast lasts without renewal; another instance takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Audience members snapshotted per transaction.</summary>
    [Range(1, 10000)]
    public int SnapshotPageSize { get; set; } = 1000;

    public int RateOf(ChannelKind channel) => channel switch
    {
        ChannelKind.WhatsApp => WhatsAppMessagesPerSecond,
        ChannelKind.Sms => SmsMessagesPerSecond,
        ChannelKind.Email => EmailMessagesPerSecond,
        _ => OtherChannelsMessagesPerSecond,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            yield return new ValidationResult($"'{DefaultTimeZone}' is not a known IANA time zone.", [nameof(DefaultTimeZone)]);
        }

        if (LeaseDuration < TimeSpan.FromSeconds(2) || MaxBackoff < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("LeaseDuration must be at least 2 s and MaxBackoff at least 1 s.", [nameof(LeaseDuration), nameof(MaxBackoff)]);
        }
    }
}
