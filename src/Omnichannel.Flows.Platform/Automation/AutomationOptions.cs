using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Platform.Automation;

/// <summary><c>Automation:*</c> — how flows are started, resumed and recovered.</summary>
public sealed class AutomationOptions : IValidatableObject
{
    public const string Section = "Automation";

    /// <summary>How often the event dispatcher looks for pending events (wall-clock: how often to look, not business time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events claimed per pass.</summary>
    [Range(1, 1000)]
    public int EventBatchSize { get; set; } = 400;

    /// <summary>An event whose dispatch fails this many times is kept as failed (dead letter).</summary>
    [Range(1, 100)]
    public int EventMaxAttempts { get; set; } = 5;

    /// <summary>Days dispatched automation events, and the trigger-event ids flows saw, are kept (a daily job deletes older ones).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// Days a run that finished or was cancelled is kept, with its journal, after it ended (a daily job deletes older
    /// ones). Faulted runs (the dead letter) and runs still running or waiting are kept whatever their age.
    /// </summary>
    [Range(1, 3650)]
    public int RunRetentionDays { get; set; } = 30;

    /// <summary>
    /// Contacts whose events are dispatched at the same time (one contact's events always go in order). A run spends most
    /// of its time waiting (its start and its end made durable by the store's group commits, then its turn on the
    /// thread pool again: milliseconds each under load), so many more runs in flight than cores keeps the cores busy
    /// while a backlog of messages is recorded beside them.
    /// </summary>
    [Range(1, 256)]
    public int DispatchParallelism { get; set; } = 128;

    /// <summary>
    /// Due timers handed to one job (one Hangfire job per batch, not per timer). A job holds a Hangfire worker from its
    /// claim (<see cref="TimerLookahead"/> ahead) until its last run is resumed, so workers × this is how many timers of a
    /// burst are read before they are due; the rest wait for a worker and are read late (2,000 × the 8 workers of two
    /// cores: 16,000 due at once).
    /// </summary>
    [Range(1, 5000)]
    public int TimerBatchSize { get; set; } = 2000;

    /// <summary>
    /// Runs a timer job resumes at the same time, so their steps meet in the store's group commits. Each run waits
    /// twice for a commit (its consume, its last step), so runs in flight ÷ commit latency bounds how fast a burst
    /// drains (bench/flow-timers.sh).
    /// </summary>
    [Range(1, 1024)]
    public int TimerParallelism { get; set; } = 256;

    /// <summary>
    /// Connections flow HTTP steps keep open to one host at most (their requests beyond that wait for a free one): a
    /// burst of due timers calling a CRM reuses connections instead of opening one per run in flight.
    /// </summary>
    [Range(1, 10_000)]
    public int HttpConnectionsPerHost { get; set; } = 64;

    /// <summary>
    /// Whether flow HTTP steps are refused link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, and the
    /// metadata services outside them): a step could otherwise read the instance's cloud credentials.
    /// </summary>
    public bool HttpBlockLinkLocal { get; set; } = true;

    /// <summary>More networks (CIDR, e.g. <c>10.0.0.0/8</c>) flow HTTP steps may not call, on top of <see cref="HttpBlockLinkLocal"/>.</summary>
    public string[] HttpBlockedNetworks { get; set; } = [];

    /// <summary>How long a claimed timer waits for its job before it is fired again (a job lost in a crash).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long before their due time wait timers are claimed and their runs read, so a job is ready to resume them on
    /// the dot instead of starting to read then. The job holds a Hangfire worker while it waits (at most this long).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan TimerLookahead { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The timer pump's longest sleep: it also wakes for timers other instances stored.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Steps written together at most (group commit).</summary>
    [Range(1, 10_000)]
    public int StoreBatchSize { get; set; } = 512;

    /// <summary>A run still 'running' this long after its last step was left by a crash, and is continued.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan StaleRunningAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How runs are locked: <c>Auto</c> = a database lease on SQL Server (several app instances), in-process on SQLite.</summary>
    public InstanceLockMode InstanceLocks { get; set; } = InstanceLockMode.Auto;

    /// <summary>How long a run's database lock is leased, renewed while held; a crashed holder lets go after it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LockLease { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        HttpBlockedNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _))
            .Select(network => new ValidationResult($"'{network}' is not a network in CIDR form such as 10.0.0.0/8.", [nameof(HttpBlockedNetworks)]));
}

public enum InstanceLockMode { Auto, Local, Database }
