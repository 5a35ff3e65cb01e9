namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>
/// What the app's database holds after the flow-execution load: the bench flow's runs against the accepted webhooks.
/// <paramref name="RunsPerSecond"/> = finished runs ÷ (last run finished − the generator's first request).
/// </summary>
internal sealed record FlowCheck(
    string FlowId,
    int Accepted,
    int Uncertain,
    int FinishedRuns,
    int FaultedRuns,
    int OtherRuns,
    int AcceptedWithOneRun,
    int AcceptedWithoutRun,
    int AcceptedWithSeveralRuns,
    int RunsNotFromAccepted,
    int JournalRows,
    int FailedAutomationEvents,
    int FailedDeliveries,
    bool Drained,
    double DrainSeconds,
    DateTime FirstRequestAt,
    DateTime? LastRunFinishedAt,
    double? WindowSeconds,
    double? RunsPerSecond,
    double? PeakRunsPerSecond,
    double? ServerCpuSecondsAtEnd,
    double? DrainCpuMsPerRun,
    List<DrainSample> Timeline);

/// <summary>One look at the backlog while the app drains: which stage holds the work, and how far the runs are.</summary>
/// <param name="Seconds">Since the generator's first request.</param>
internal sealed record DrainSample(
    double Seconds, int InboundPending, int AutomationPending, int RunsRunning, int RunsFinished, double? ServerCpuSeconds);
