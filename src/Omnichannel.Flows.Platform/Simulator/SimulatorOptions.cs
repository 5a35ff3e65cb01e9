namespace Omnichannel.Flows.Platform.Simulator;

/// <summary><c>Simulator:*</c>. Enabled by default in Development; admins only.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    public bool? Enabled { get; set; }

    /// <summary>The app's own base URL the simulator posts to, when the browser's URL is not reachable from the server (proxies).</summary>
    public string? SelfBaseUrl { get; set; }
}
