namespace Omnichannel.Flows.Platform.Data;

/// <summary>What a connection setting returns where it changes nothing (another provider, turned off).</summary>
internal sealed class NothingToRestore : IAsyncDisposable
{
    public static readonly NothingToRestore Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
