using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built app run as its own process (<c>dotnet Omnichannel.Flows.Web.dll</c>) on a data folder the test owns, so
/// a test can kill it hard and start it again on the same database, or run its command-line verbs.
/// </summary>
public sealed class ChildProcessApp : IAsyncDisposable
{
    public const string AdminEmail = "admin@crash.local";
    public const string AdminPassword = "Crash-Admin-Pa55word!";

    private readonly StringBuilder output = new();
    private Process? process;

    public ChildProcessApp(string dataPath) => DataPath = dataPath;

    public string DataPath { get; }

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static string WebAssembly { get; } = FindWebAssembly();

    /// <summary>Starts the server and waits until it answers <c>/health/live</c>.</summary>
    public async Task StartAsync(IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        process = Start([], settings, ("ASPNETCORE_URLS", BaseUrl.ToString().TrimEnd('/')));
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("health/live", deadline.Token)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // a slow answer while starting
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    /// <summary>Ends the process at once, as a crash or a power cut would: nothing is flushed or stopped.</summary>
    public void Kill()
    {
        process?.Kill(entireProcessTree: true);
        process?.WaitForExit();
    }

    /// <summary>Runs a command-line verb (e.g. <c>flows import ./flows</c>) to its end.</summary>
    public Task<(int ExitCode, string Output)> RunCommandAsync(params string[] args) => RunCommandAsync([], args);

    /// <summary>
    /// Runs a command-line verb as typed in a shell whose directory is <paramref name="shellDirectory"/> (its <c>PWD</c>)
    /// while the process starts in the app's folder, as <c>dotnet run --project</c> starts it.
    /// </summary>
    public Task<(int ExitCode, string Output)> RunCommandFromAsync(string shellDirectory, params string[] args) =>
        RunCommandAsync([("PWD", shellDirectory)], args);

    private async Task<(int ExitCode, string Output)> RunCommandAsync((string Name, string Value)[] environment, string[] args)
    {
        using var command = Start(args, null, environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await command.WaitForExitAsync(timeout.Token);
        return (command.ExitCode, Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            Kill();
        }

        process?.Dispose();
        await Task.CompletedTask;
    }

    private Process Start(string[] args, IDictionary<string, string>? settings, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(WebAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Database__DataPath"] = DataPath;
        start.Environment["Auth__Admin__Email"] = AdminEmail;
        start.Environment["Auth__Admin__Password"] = AdminPassword;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Automation__TimerPollInterval"] = "00:00:01";
        start.Environment["Automation__EventPollInterval"] = "00:00:00.200";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Web project's own build output (its runtimeconfig and static assets manifest sit beside it).</summary>
    private static string FindWebAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "src", "Omnichannel.Flows.Web", "bin", configuration, "net10.0", "Omnichannel.Flows.Web.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Build src/Omnichannel.Flows.Web first: its Omnichannel.Flows.Web.dll was not found above " + AppContext.BaseDirectory);
    }
}
