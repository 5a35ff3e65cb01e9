using System.Diagnostics;
using System.Net.Http.Headers;

namespace Omnichannel.Flows.Bench.LoadGen;

internal sealed record StepPlan(string Name, int Rate, TimeSpan Duration);

/// <summary>What one step sent and how each request ended; ids are what the store check needs.</summary>
internal sealed record StepOutcome(StepResult Result, List<string> AcceptedIds, List<string> UncertainIds);

/// <summary>
/// An open-loop load: request <c>i</c> of a step is due at <c>start + i / rate</c> and is sent then, whether or not
/// earlier requests have been answered. Latency runs from the due time, so a target that falls behind is charged for
/// the whole wait (no coordinated omission). Requests past the in-flight cap are not sent and count as errors (shed).
/// </summary>
internal sealed class OpenLoopRunner(HttpClient http, Uri target, SignedWebhooks webhooks, int maxInFlight, TimeSpan timeout)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private int inFlight;

    public async Task<StepOutcome> RunAsync(StepPlan plan)
    {
        var count = (int)Math.Round(plan.Rate * plan.Duration.TotalSeconds);
        var requests = webhooks.Create(count);
        var step = new StepState(count);
        var ticksPerRequest = (double)Stopwatch.Frequency / plan.Rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 50;

        // A dedicated thread keeps the schedule even when the thread pool is busy with answers.
        var scheduler = new Thread(() => Schedule(requests, step, start, ticksPerRequest)) { IsBackground = true, Name = $"schedule {plan.Name}" };
        scheduler.Start();
        var deadline = plan.Duration + timeout + TimeSpan.FromSeconds(10);
        var finished = await Task.WhenAny(step.AllDone.Task, Task.Delay(deadline)) == step.AllDone.Task;
        scheduler.Join(TimeSpan.FromSeconds(5));
        if (!finished)
        {
            Console.Error.WriteLine($"  {plan.Name}: some requests had no answer {deadline.TotalSeconds:0} s after the step started; counted as timeouts.");
        }

        return step.Summarise(plan, requests, start);
    }

    private void Schedule(SignedWebhook[] requests, StepState step, long start, double ticksPerRequest)
    {
        for (var i = 0; i < requests.Length; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            var now = Stopwatch.GetTimestamp();
            while (now < due)
            {
                var waitMs = (due - now) * 1000 / Stopwatch.Frequency;
                Thread.Sleep((int)Math.Max(1, waitMs - 1));
                now = Stopwatch.GetTimestamp();
            }

            step.DispatchLag[i] = now - due;
            if (Interlocked.Increment(ref inFlight) > maxInFlight)
            {
                Interlocked.Decrement(ref inFlight);
                step.Complete(i, Ending.Shed, 0, Stopwatch.GetTimestamp() - due);
                continue;
            }

            _ = SendAsync(requests[i], i, due, step);
        }
    }

    private async Task SendAsync(SignedWebhook webhook, int index, long due, StepState step)
    {
        var ending = Ending.ConnectionError;
        var status = 0;
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(webhook.Body) };
            request.Content.Headers.ContentType = Json;
            request.Headers.TryAddWithoutValidation(SignedWebhooks.SignatureHeader, webhook.Signature);
            using var response = await http.SendAsync(request, cancel.Token);
            status = (int)response.StatusCode;
            ending = response.IsSuccessStatusCode ? Ending.Accepted : Ending.Rejected;
        }
        catch (OperationCanceledException)
        {
            ending = Ending.Timeout;
        }
        catch (HttpRequestException)
        {
            ending = Ending.ConnectionError;
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
            step.Complete(index, ending, status, Stopwatch.GetTimestamp() - due);
        }
    }

    private enum Ending : byte { Unfinished, Accepted, Rejected, Timeout, ConnectionError, Shed }

    private sealed class StepState(int count)
    {
        private readonly Ending[] endings = new Ending[count];
        private readonly int[] statuses = new int[count];
        private readonly long[] latencies = new long[count];
        private readonly long[] completedAt = new long[count];
        private int remaining = count;

        public long[] DispatchLag { get; } = new long[count];

        public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(int index, Ending ending, int status, long latency)
        {
            endings[index] = ending;
            statuses[index] = status;
            latencies[index] = latency;
            Volatile.Write(ref completedAt[index], Stopwatch.GetTimestamp());
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                AllDone.TrySetResult();
            }
        }

        public StepOutcome Summarise(StepPlan plan, SignedWebhook[] requests, long start)
        {
            var accepted = new List<string>();
            var uncertain = new List<string>();
            var ackLatencies = new List<double>();
            var rejectedByStatus = new Dictionary<string, int>();
            int timeouts = 0, connectionErrors = 0, shed = 0, rejected = 0;
            var lastAnswer = start;
            for (var i = 0; i < endings.Length; i++)
            {
                lastAnswer = Math.Max(lastAnswer, Volatile.Read(ref completedAt[i]));
                switch (endings[i])
                {
                    case Ending.Accepted:
                        accepted.Add(requests[i].MessageId);
                        ackLatencies.Add(Milliseconds(latencies[i]));
                        break;
                    case Ending.Rejected:
                        rejected++;
                        var key = statuses[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
                        rejectedByStatus[key] = rejectedByStatus.GetValueOrDefault(key) + 1;
                        if (statuses[i] >= 500)
                        {
                            uncertain.Add(requests[i].MessageId);
                        }

                        break;
                    case Ending.Shed:
                        shed++;
                        break;
                    case Ending.ConnectionError:
                        connectionErrors++;
                        uncertain.Add(requests[i].MessageId);
                        break;
                    default: // timed out, or still unanswered at the deadline: it may have been stored
                        timeouts++;
                        uncertain.Add(requests[i].MessageId);
                        break;
                }
            }

            var lags = DispatchLag.Select(Milliseconds).ToList();
            lags.Sort();
            var seconds = Math.Max(plan.Duration.TotalSeconds, (lastAnswer - start) / (double)Stopwatch.Frequency);
            var result = new StepResult(
                plan.Name, plan.Rate, Math.Round(seconds, 3), endings.Length, endings.Length - shed, accepted.Count,
                Math.Round(accepted.Count / seconds, 1), rejected, rejectedByStatus, timeouts, connectionErrors, shed,
                LatencySummary.Of(ackLatencies), LatencySummary.At(lags, 0.99), lags.Count == 0 ? 0 : lags[^1]);
            return new StepOutcome(result, accepted, uncertain);
        }

        private static double Milliseconds(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
    }
}
