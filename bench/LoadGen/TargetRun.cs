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
    string ContentionBefore,
    string ContentionAfter,
    RunSettings Settings,
    StepResult Warmup,
    List<StepResult> Steps,
    string AcceptedIdsFile,
    string UncertainIdsFile,
    double? ServerCpuSecondsAtStart,
    double? ServerCpuSecondsAtEnd);

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
    /// <summary>
    /// How busy the machine is with everything, this run included: the 1/5/15 minute load averages and the share of
    /// the last 60 s in which some task waited for a CPU (Linux pressure stall information).
    /// </summary>
    public static string Contention()
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        var pressure = File.Exists("/proc/pressure/cpu")
            ? File.ReadLines("/proc/pressure/cpu").FirstOrDefault()?.Split(' ').FirstOrDefault(f => f.StartsWith("avg60=", StringComparison.Ordinal))?[6..]
            : null;
        return pressure is null ? $"load {load}" : $"load {load}, CPU pressure {pressure}%";
    }

    /// <summary>CPU time (user + system) process <paramref name="pid"/> has used so far, or null without one.</summary>
    public static TimeSpan? CpuTime(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            return process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return null; // it has exited
        }
    }

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";

    public static string Memory() =>
        File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";
}
