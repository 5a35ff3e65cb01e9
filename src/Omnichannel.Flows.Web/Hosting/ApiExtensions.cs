using System.Text.Json;
using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;
using Scalar.AspNetCore;

namespace Omnichannel.Flows.Web.Hosting;

public static class ApiExtensions
{
    /// <summary>JSON conventions, problem+json for every error, OpenAPI, health checks.</summary>
    public static IServiceCollection AddFlowsApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        // Bad JSON or parameters throw, so BadRequestProblemHandler can say what and where instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestProblemHandler>();
        services.AddOpenApi();
        services.AddHealthChecks().AddDbContextCheck<FlowsDbContext>("database", tags: ["ready"]);
        return services;
    }

    public static WebApplication UseFlowsPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        // Per-endpoint policies (the web chat API and hub); before authentication so rejected callers cost little.
        app.UseCors();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapFlowsHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and a browsable reference at <c>/scalar</c>.</summary>
    public static WebApplication MapFlowsApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options.WithTitle("Omnichannel.Flows API")).AllowAnonymous();
        return app;
    }

    /// <summary>The Hangfire dashboard, for admins only.</summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/", DashboardTitle = "Omnichannel.Flows jobs" }, storage)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin));
        return app;
    }
}
