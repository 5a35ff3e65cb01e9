using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Rate limits for the anonymous web chat endpoints: session creation per client address, messages per address and
/// session. Over the limit the answer is a 429 problem with Retry-After.
/// </summary>
public static class WebChatRateLimiting
{
    public const string Sessions = "webchat-sessions";
    public const string Messages = "webchat-messages";

    internal static IServiceCollection AddWebChatRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WebChatOptions>>((limiter, webchat) =>
        {
            var limits = webchat.Value.RateLimit;
            limiter.AddPolicy(Sessions, new Policy("session creations", limits.SessionsPerWindow, limits.Window));
            limiter.AddPolicy(Messages, new Policy("message requests", limits.MessagesPerWindow, limits.Window));
        });
        return services;
    }

    private sealed class Policy(string what, int permits, TimeSpan window) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetFixedWindowLimiter(
                $"{what}|{httpContext.Connection.RemoteIpAddress}|{httpContext.GetRouteValue("id")}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });

        private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
        {
            var http = context.HttpContext;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"At most {permits} {what} per {window} are accepted from one client; try again later.",
                },
            });
        }
    }
}
