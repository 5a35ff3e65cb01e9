using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Omnichannel.Flows.Platform.Channels.Telegram;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Web.Hosting;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Traces and metrics through OpenTelemetry: ASP.NET Core, outgoing HTTP and the platform's own source
    /// (webhook → processing → send → flow runs), exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// Without it there is nowhere to send them, so nothing is recorded: a recorded trace costs every webhook, delivery
    /// and run an activity with its tags, which is measurable at thousands a second (bench/flow-exec.sh).
    /// </summary>
    public static WebApplicationBuilder AddFlowsObservability(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("omnichannel-flows"))
            .WithTracing(tracing => tracing
                .AddSource(FlowsTelemetry.Name, Omnichannel.Flows.Engine.Running.FlowTracing.SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/_blazor"))
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = RedactSecretsInUrl))
            .WithMetrics(metrics => metrics
                .AddMeter(FlowsTelemetry.Name, Omnichannel.Flows.Engine.Running.FlowMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }

    // Telegram's Bot API puts the bot token in the URL path; traces must not carry it.
    private static void RedactSecretsInUrl(System.Diagnostics.Activity activity, HttpRequestMessage request)
    {
        if (TelegramHttpLogger.CarriesBotToken(request.RequestUri))
        {
            activity.SetTag("url.full", TelegramHttpLogger.RedactUrl(request.RequestUri!));
            activity.DisplayName = $"{request.Method} telegram";
        }
    }
}
