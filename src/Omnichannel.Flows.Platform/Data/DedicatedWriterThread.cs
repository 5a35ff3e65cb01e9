using System.Collections.Concurrent;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Runs a writer's loop on a thread of its own. A group-commit loop is the one serial stage its callers all wait on; on
/// the thread pool, each of its awaits (its queue, its turn at the <see cref="DatabaseWriteGate"/>) would resume behind
/// whatever the pool has queued meanwhile — in a burst, hundreds of the very runs and requests waiting for its next
/// commit — while the database's write lane stands idle. Here its continuations come back to its thread, which does
/// nothing else, so the loop carries on as soon as what it waited for is there.
/// </summary>
public static class DedicatedWriterThread
{
    /// <summary>
    /// Starts <paramref name="loop"/> on a new background thread named <paramref name="name"/>; its awaits resume there
    /// (unless the awaited code opts out of the context). The returned task ends with the loop.
    /// </summary>
    public static Task RunAsync(string name, Func<Task> loop)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => RunOnThisThread(loop, ended)) { IsBackground = true, Name = name };
        thread.Start();
        return ended.Task;
    }

    private static void RunOnThisThread(Func<Task> loop, TaskCompletionSource ended)
    {
        using var context = new ThreadContext();
        SynchronizationContext.SetSynchronizationContext(context);
        Task running;
        try
        {
            running = loop();
        }
        catch (Exception exception)
        {
            ended.TrySetException(exception);
            return;
        }

        running.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        context.RunUntilComplete();
        ended.TrySetFromTask(running);
    }

    /// <summary>Continuations posted to the loop's thread, run there one at a time in the order posted.</summary>
    private sealed class ThreadContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> posted = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            if (!TryPost(d, state))
            {
                // The loop has ended; something it started finishes late (a timer, a library's callback).
                ThreadPool.QueueUserWorkItem(s => d(s), state, preferLocal: false);
            }
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("A writer thread's loop is only posted to.");

        public override SynchronizationContext CreateCopy() => this;

        public void Complete() => posted.CompleteAdding();

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in posted.GetConsumingEnumerable())
            {
                callback(state);
            }
        }

        public void Dispose() => posted.Dispose();

        private bool TryPost(SendOrPostCallback d, object? state)
        {
            try
            {
                return posted.TryAdd((d, state));
            }
            catch (InvalidOperationException)
            {
                return false; // completed, or disposed (ObjectDisposedException)
            }
        }
    }
}
