using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Web.Hosting;

/// <summary>How <see cref="StartupWarmUp"/> warms the process up after a start (section <c>WarmUp</c>).</summary>
public sealed class StartupWarmUpOptions
{
    public const string Section = "WarmUp";

    /// <summary>Rounds of requests the app sends itself once started; 0 turns the warm-up off.</summary>
    [Range(0, 100)]
    public int Rounds { get; set; } = 10;

    /// <summary>Requests in each round (eight at a time).</summary>
    [Range(1, 1_000)]
    public int RequestsPerRound { get; set; } = 80;
}
