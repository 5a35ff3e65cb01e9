using System.Diagnostics;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Traces of flow runs, so one customer message can be followed into the flows it started and the sends they made:
/// the platform adds <see cref="SourceName"/> to its OpenTelemetry tracer. A span per runner call, tagged with the
/// flow, version and instance, and marked as an error when the instance faults.
/// </summary>
public static class FlowTracing
{
    public const string SourceName = "Omnichannel.Flows.Engine";

    private static readonly ActivitySource Source = new(SourceName);

    internal static Activity? Start(string operation, string? flowId, string? instanceId)
    {
        var span = Source.StartActivity(operation);
        span?.SetTag("flow.id", flowId);
        span?.SetTag("flow.instance_id", instanceId);
        return span;
    }

    internal static void Finish(Activity? span, FlowInstance? instance)
    {
        if (span is null || instance is null)
        {
            return;
        }

        span.SetTag("flow.id", instance.FlowId);
        span.SetTag("flow.version", instance.Version);
        span.SetTag("flow.instance_id", instance.Id);
        span.SetTag("flow.status", instance.Status.ToString());
        if (instance.Fault is { } fault)
        {
            span.SetStatus(ActivityStatusCode.Error, $"{fault.NodeId}: {fault.Message}");
        }
    }
}
