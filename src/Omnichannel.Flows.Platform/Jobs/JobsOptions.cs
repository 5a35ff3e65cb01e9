using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Platform.Jobs;

/// <summary><c>Jobs:*</c> — the in-process Hangfire server.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    [Range(1, 200)]
    public int WorkerCount { get; set; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>How often delayed jobs are checked for being due (Hangfire's default of 15 s is too slow for retries).</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);
}
