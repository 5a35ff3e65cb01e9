using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Auth;

public static class AuthServiceCollectionExtensions
{
    // AddIdentityApiEndpoints' default scheme (IdentityConstants.BearerAndApplicationScheme is internal).
    private const string BearerAndApplicationScheme = "Identity.BearerAndApplication";

    /// <summary>Identity with roles: cookies for the UI, bearer tokens for the API (one default scheme that picks per request).</summary>
    public static IServiceCollection AddFlowsAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddIdentityApiEndpoints<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FlowsDbContext>();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/login";
            options.AccessDeniedPath = "/access-denied";
            options.Cookie.Name = "omnichannel.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        // Identity's composite scheme sends every challenge and forbid to the bearer handler, so a browser opening a page
        // got a bare 401/403 problem+json. Pages go to the cookie handler instead: /login, or /access-denied for a missing role.
        services.Configure<AuthenticationSchemeOptions>(BearerAndApplicationScheme, options =>
            options.ForwardDefaultSelector = context => IsApiRequest(context.Request) ? null : IdentityConstants.ApplicationScheme);

        services.AddAuthorization();
        services.AddScoped<UserAdministration>();
        services.AddHostedService<BootstrapAdmin>();
        return services;
    }

    private static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Headers.Authorization.Count > 0;

    // The API answers 401/403 instead of redirecting to the login page.
    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsApiRequest(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
