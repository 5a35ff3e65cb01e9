using Bunit;
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
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected FlowsAppFactory App { get; }

    /// <summary>Types into a MudBlazor text field (bound on change) found by its input id.</summary>
    protected static void Type<T>(IRenderedComponent<T> cut, string inputId, string text) where T : IComponent => cut.Find($"#{inputId}").Change(text);

    /// <summary>The text around an input: its label, value and the error or helper text under it.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> cut, string inputId) where T : IComponent =>
        cut.Find($"#{inputId}").Closest(".mud-input-control")?.TextContent ?? "";
}
