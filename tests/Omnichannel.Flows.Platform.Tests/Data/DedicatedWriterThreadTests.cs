using System.Threading.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class DedicatedWriterThreadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Loop_ResumesOnItsOwnThread_AfterEveryKindOfWait()
    {
        var queue = Channel.CreateUnbounded<int>();
        var gate = new DatabaseWriteGate();
        var threads = new List<(int Id, bool IsPoolThread, string? Name)>();

        var loop = DedicatedWriterThread.RunAsync("test writer", async () =>
        {
            Record();
            while (await queue.Reader.WaitToReadAsync())
            {
                Record();
                queue.Reader.TryRead(out _);
                using (await gate.EnterAsync(CancellationToken.None))
                {
                    Record();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5));
                Record();
            }
        });

        // The gate is held elsewhere when the loop asks for it, and passed on from a pool thread: the loop must not carry
        // on on that thread.
        var held = await gate.EnterAsync(CancellationToken.None);
        await queue.Writer.WriteAsync(1);
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        await Task.Run(held.Dispose);
        await queue.Writer.WriteAsync(2);
        queue.Writer.Complete();
        await loop.WaitAsync(Patience);

        Assert.Equal(7, threads.Count);
        Assert.Single(threads.Distinct());
        Assert.False(threads[0].IsPoolThread);
        Assert.Equal("test writer", threads[0].Name);

        void Record() => threads.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));
    }

    [Fact]
    public async Task Task_EndsAsTheLoopEnds_WithItsException()
    {
        var loop = DedicatedWriterThread.RunAsync("failing writer", async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("the write failed");
        });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => loop.WaitAsync(Patience));
        Assert.Equal("the write failed", thrown.Message);
    }

    [Fact]
    public async Task Task_EndsWhenTheLoopThrowsBeforeItsFirstAwait()
    {
        var loop = DedicatedWriterThread.RunAsync("failing writer", () => throw new InvalidOperationException("no session"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => loop.WaitAsync(Patience));
    }

    [Fact]
    public async Task CallbacksPostedAfterTheLoopEnded_StillRun()
    {
        SynchronizationContext? context = null;
        await DedicatedWriterThread.RunAsync("short writer", () =>
        {
            context = SynchronizationContext.Current;
            return Task.CompletedTask;
        }).WaitAsync(Patience);

        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.NotNull(context);
        context.Post(_ => ran.SetResult(), null);

        await ran.Task.WaitAsync(Patience);
    }
}
