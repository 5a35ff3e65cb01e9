namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// For jobs that act on many runs of a flow (retry its dead letter, cancel a disabled flow's runs): reads a page of runs
/// after the last one of the page before, acts on its runs several at a time, and goes on until a page comes back empty.
/// Pages go forward on a key the runs are ordered by, so each run is met once whatever the action did to it.
/// </summary>
internal static class RunPages
{
    /// <param name="readPage">The page after the given key (null: the first page); an empty page ends the walk.</param>
    /// <param name="act">Acts on one run; true when it did.</param>
    /// <returns>How many runs <paramref name="act"/> acted on.</returns>
    public static async Task<int> ActOnEachAsync<TKey>(
        Func<TKey?, Task<List<TKey>>> readPage, Func<TKey, CancellationToken, Task<bool>> act, int parallelism, CancellationToken cancellationToken)
        where TKey : class
    {
        var acted = 0;
        TKey? after = null;
        while (await readPage(after) is { Count: > 0 } page)
        {
            await Parallel.ForEachAsync(page, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (run, ct) =>
                {
                    if (await act(run, ct))
                    {
                        Interlocked.Increment(ref acted);
                    }
                });
            after = page[^1];
        }

        return acted;
    }
}
