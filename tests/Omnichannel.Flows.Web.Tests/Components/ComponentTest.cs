using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor, rendering as an interactive server circuit does, whose components get the real app's
/// services (from a <see cref="FlowsAppFactory"/>) unless a test registers its own.
/// </summary>
public abstract class ComponentTest : BunitContext
{
    /// <param name="services">Registers what the test wants instead of the app's own (before anything renders).</param>
    protected ComponentTest(FlowsAppFactory app, Action<IServiceCollection>? services = null)
    {
        App = app;
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(app.Services);
        services?.Invoke(Services);
        Authorization = AddAuthorization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected FlowsAppFactory App { get; }

    /// <summary>Who the rendered components see as signed in (nobody until a test says).</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs in the bootstrap admin, as the admin pages expect.</summary>
    protected async Task<string> SignInAsAdminAsync()
    {
        await using var db = await App.CreateDbContextAsync();
        var adminId = db.Users.Single(u => u.Email == FlowsAppFactory.AdminEmail).Id;
        Authorization.SetAuthorized(FlowsAppFactory.AdminEmail);
        Authorization.SetRoles(Platform.Auth.Roles.Admin);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, adminId));
        return adminId;
    }

    /// <summary>Types into a MudBlazor text field (bound on change) found by its input id.</summary>
    protected static void Type<T>(IRenderedComponent<T> cut, string inputId, string text) where T : IComponent => cut.Find($"#{inputId}").Change(text);

    /// <summary>The text around an input: its label, value and the error or helper text under it.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> cut, string inputId) where T : IComponent =>
        cut.Find($"#{inputId}").Closest(".mud-input-control")?.TextContent ?? "";
}
