using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Visitors are anonymous but hold their session's token: <c>Authorization: Bearer &lt;token&gt;</c> on the API, or
/// <c>access_token</c> in the hub's query string (browsers cannot set headers on a WebSocket).
/// </summary>
public static class WebChatAuthentication
{
    public const string Scheme = "WebChatSession";
    public const string Policy = "WebChatVisitor";
    public const string SessionClaim = "webchat_session";

    public static Guid? SessionOf(ClaimsPrincipal? visitor) =>
        Guid.TryParse(visitor?.FindFirstValue(SessionClaim), out var id) ? id : null;

    internal static IServiceCollection AddWebChatAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, WebChatAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireClaim(SessionClaim));
        return services;
    }
}

internal sealed class WebChatAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    FlowsDbContext db, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Token();
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var sessionId = WebChatTokens.SessionIdOf(token);
        var hash = sessionId is null ? null
            : await db.WebChatSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.TokenHash).FirstOrDefaultAsync(Context.RequestAborted);
        if (hash is null || !WebChatTokens.Matches(token, hash))
        {
            return AuthenticateResult.Fail("The token does not belong to a web chat session.");
        }

        var identity = new ClaimsIdentity([new Claim(WebChatAuthentication.SessionClaim, sessionId!.Value.ToString())], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Session token required",
                Detail = failure ?? "Send the token from POST /api/webchat/sessions as 'Authorization: Bearer <token>'.",
            },
        });
    }

    private string? Token()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return Request.Path.StartsWithSegments(WebChatHub.Path) ? Request.Query["access_token"].ToString() : null;
    }
}
