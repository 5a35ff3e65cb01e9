using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// Per-install secrets for channels in sandbox mode, generated once into the data folder (never the repository), so the
/// simulator can sign webhooks that the real verification path accepts.
/// </summary>
public sealed class SandboxSecrets
{
    private readonly string file;
    private readonly ConcurrentDictionary<string, string> secrets;
    private readonly Lock writeLock = new();

    public SandboxSecrets(DataFolder dataFolder)
    {
        file = Path.Combine(dataFolder.Path, "sandbox-secrets.json");
        secrets = File.Exists(file)
            ? new ConcurrentDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [])
            : new ConcurrentDictionary<string, string>();
    }

    /// <summary>The secret named <paramref name="name"/> (e.g. <c>whatsapp.appSecret</c>), created on first use.</summary>
    public string Get(string name)
    {
        if (secrets.TryGetValue(name, out var existing))
        {
            return existing;
        }

        lock (writeLock)
        {
            var value = secrets.GetOrAdd(name, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, JsonSerializer.Serialize(secrets.ToDictionary()));
            return value;
        }
    }
}
