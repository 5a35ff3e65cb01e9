namespace Omnichannel.Flows.Platform.Data;

/// <summary>Filters of partial indexes, as SQL both providers read (double-quoted identifiers).</summary>
internal static class IndexFilters
{
    /// <summary>Only rows where <paramref name="column"/> has a value: a query that asks for a value implies it.</summary>
    public static string NotNull(string column) => $"\"{column}\" IS NOT NULL";
}
