using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Web.Hosting;

/// <summary>
/// <c>flows import &lt;folder&gt; [--publish]</c> and <c>flows export &lt;folder&gt;</c>: the host's services, no web
/// server. Import checks every <c>*.json</c> file of the folder first and imports none if any is invalid (each error
/// printed as <c>file: /json/pointer: message</c>, exit code 1); export writes one <c>&lt;id&gt;.json</c> per flow
/// (its published version, else its latest).
/// </summary>
public static class FlowsCommandLine
{
    public static bool Matches(string[] args) => args is ["flows", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var verb = args.Skip(1).FirstOrDefault();
        var given = args.Skip(2).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (verb is not ("import" or "export") || given is null)
        {
            await Console.Error.WriteLineAsync("Usage: flows import <folder> [--publish] | flows export <folder>");
            return 2;
        }

        var folder = ResolveFolder(given, Environment.GetEnvironmentVariable("PWD"), Environment.CurrentDirectory);

        await using var scope = app.Services.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider);
        var definitions = scope.ServiceProvider.GetRequiredService<FlowDefinitions>();
        return verb == "import"
            ? await ImportAsync(definitions, folder, args.Contains("--publish"))
            : await ExportAsync(definitions, folder);
    }

    /// <summary>
    /// Where a folder named on the command line is. A relative one is taken from the directory the command was typed in,
    /// which the shell keeps in <c>PWD</c>: <c>dotnet run --project src/Omnichannel.Flows.Web</c> starts a web project in
    /// the project's folder, so <c>./flows</c> typed at the repository's root would otherwise be looked for under it.
    /// Without <c>PWD</c> (not a POSIX shell), it is taken from the current directory.
    /// </summary>
    public static string ResolveFolder(string folder, string? shellDirectory, string currentDirectory) =>
        Path.GetFullPath(folder, shellDirectory is { Length: > 0 } && Path.IsPathRooted(shellDirectory) && Directory.Exists(shellDirectory)
            ? shellDirectory
            : currentDirectory);

    private static async Task<int> ImportAsync(FlowDefinitions definitions, string folder, bool publish)
    {
        if (!Directory.Exists(folder))
        {
            await Console.Error.WriteLineAsync($"No folder {folder}.");
            return 2;
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        var documents = new List<(string File, string Json)>();
        var invalid = 0;
        foreach (var file in files)
        {
            var json = await File.ReadAllTextAsync(file);
            var errors = definitions.CheckImport(json);
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"{file}: {(error.Path.Length == 0 ? "(document)" : error.Path)}: {error.Message}");
            }

            invalid += errors.Count > 0 ? 1 : 0;
            documents.Add((file, json));
        }

        if (invalid > 0)
        {
            await Console.Error.WriteLineAsync($"{invalid} of {files.Count} files are not valid flows; nothing was imported.");
            return 1;
        }

        foreach (var (file, json) in documents)
        {
            var (saved, problem) = await definitions.ImportAsync(json, publish, "cli", CancellationToken.None);
            if (saved is null)
            {
                await Console.Error.WriteLineAsync($"{file}: {string.Join("; ", problem!.Errors.Select(e => $"{e.Path}: {e.Message}"))}");
                return 1;
            }

            Console.WriteLine($"{file}: imported {saved.Id} v{saved.Version}{(saved.Published ? ", published" : "")}");
        }

        Console.WriteLine($"Imported {documents.Count} flows from {folder}.");
        return 0;
    }

    private static async Task<int> ExportAsync(FlowDefinitions definitions, string folder)
    {
        Directory.CreateDirectory(folder);
        var ids = await definitions.ListIdsAsync(CancellationToken.None);
        foreach (var id in ids)
        {
            var json = await definitions.ExportAsync(id, null, CancellationToken.None);
            var file = Path.Combine(folder, $"{id}.json");
            await File.WriteAllTextAsync(file, json + Environment.NewLine);
            Console.WriteLine($"Exported {id} to {file}");
        }

        Console.WriteLine($"Exported {ids.Count} flows to {folder}.");
        return 0;
    }

    private static async Task MigrateAsync(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
        {
            await services.GetRequiredService<FlowsDbContext>().Database.MigrateAsync();
        }
    }
}
