using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Web.Hosting;

/// <summary>How <see cref="StartupWarmUp"/> warms the process up after a start (section <c>WarmUp</c>).</summary>
public sealed class StartupWarmUpOptions
{
    public const string Section = "WarmUp";

    /// <summary>Rounds of requests the app sends itself once started; 0 sends none.</summary>
    [Range(0, 100)]
    public int Rounds { get; set; } = 10;

    /// <summary>Requests in each round (eight at a time).</summary>
    [Range(1, 1_000)]
    public int RequestsPerRound { get; set; } = 80;

    /// <summary>
    /// Runs of the built-in warm-up flow (wait a second, POST to the app itself, end) after the requests, deleted once they
    /// end; 0 runs none.
    /// </summary>
    [Range(0, 10_000)]
    public int FlowRuns { get; set; } = 200;

    /// <summary>How long the warm-up waits for its flow runs to end before it deletes them anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FlowRunsTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
