using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using MudBlazor.Services;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Web.Components;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Components.Contacts;

namespace Omnichannel.Flows.Web.Hosting;

public static class UiExtensions
{
    /// <summary>The Blazor app (Interactive Server, MudBlazor). Data Protection keys live in the database so instances share cookies.</summary>
    public static IServiceCollection AddFlowsUi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddContactPages();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddSingleton<OperationScopes>();
        services.AddDataProtection()
            .SetApplicationName("omnichannel-flows")
            .PersistKeysToDbContext<FlowsDbContext>();
        return services;
    }

    public static WebApplication MapFlowsUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, SignInManager<ApplicationUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
