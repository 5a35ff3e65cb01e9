using System.Text.Json;

namespace Omnichannel.Flows.Bench.LoadGen;

internal sealed record RunSettings(
    int[] Rates, double StepSeconds, int WarmupRate, double WarmupSeconds, double PauseSeconds,
    int Connections, int MaxInFlight, double TimeoutSeconds, int Senders);

/// <summary>Everything <c>run</c> measured against one target; <c>verify</c> and <c>report</c> read it back.</summary>
internal sealed record TargetRun(
    string Label,
    string Url,
    DateTime StartedAt,
    DateTime FinishedAt,
    string LoadAverageBefore,
    string LoadAverageAfter,
    RunSettings Settings,
    StepResult Warmup,
    List<StepResult> Steps,
    string AcceptedIdsFile,
    string UncertainIdsFile);

internal static class JsonFiles
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static async Task WriteAsync<T>(string path, T value)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, value, Options);
    }

    public static async Task<T> ReadAsync<T>(string path)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(file, Options) ?? throw new InvalidDataException($"{path} is empty.");
    }
}

internal static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages: the other work sharing this machine's cores.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";

    public static string Memory() =>
        File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";
}
