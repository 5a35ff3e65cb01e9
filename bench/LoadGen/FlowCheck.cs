namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>
/// What the app's database holds after the flow-execution load: the bench flow's runs against the accepted webhooks.
/// <paramref name="RunsPerSecond"/> = finished runs ÷ (last run finished − the generator's first request): bounded by the
/// offered schedule (it cannot exceed accepted requests ÷ the load's duration). <paramref name="SustainedRunsPerSecond"/> =
/// the runs that finished after the load's last answer ÷ (last run finished − that answer): the rate the whole pipeline
/// (delivery → message → event → run) keeps while a backlog waits, null when too little was left to measure it.
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
    int RunsAfterLoad,
    double? AfterLoadSeconds,
    double? SustainedRunsPerSecond,
    double? ServerCpuSecondsAtEnd,
    double? DrainCpuMsPerRun,
    List<DrainSample> Timeline);

/// <summary>One look at the backlog while the app drains: which stage holds the work, and how far the runs are.</summary>
/// <param name="Seconds">Since the generator's first request.</param>
internal sealed record DrainSample(
    double Seconds, int InboundPending, int AutomationPending, int RunsRunning, int RunsFinished, double? ServerCpuSeconds);
