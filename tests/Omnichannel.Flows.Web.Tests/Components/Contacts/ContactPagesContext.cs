using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Web.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

/// <summary>The contact page tests share one app host (real SQLite file, real platform services, fake provider) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ContactPagesCollection : ICollectionFixture<ContactPagesAppFactory>
{
    public const string Name = "contact pages";
}

/// <summary>The app host of the contact page tests: every channel live but email, which an admin switched off.</summary>
public sealed class ContactPagesAppFactory : FlowsAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Channels:Email:Mode"] = "Disabled";
}

/// <summary>
/// bUnit over the real app: what bUnit does not provide (MudBlazor's services, a fake sign-in) resolves from the app's
/// container, so components run against the platform's services and database exactly as in a circuit.
/// </summary>
public abstract class ContactPagesContext : BunitContext
{
    /// <summary>Background work (webhook pump, Hangfire sends) takes longer than bUnit's one-second default.</summary>
    protected static readonly TimeSpan Eventually = TimeSpan.FromSeconds(15);

    protected ContactPagesContext(FlowsAppFactory app)
    {
        App = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(app.Services);
        Authorization = AddAuthorization();
    }

    protected FlowsAppFactory App { get; }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs in as the bootstrap admin.</summary>
    /// <returns>The admin's user id.</returns>
    protected async Task<string> SignInAsAdminAsync()
    {
        await using var db = await App.CreateDbContextAsync();
        var admin = await db.Users.SingleAsync(u => u.Email == FlowsAppFactory.AdminEmail);
        Authorization.SetAuthorized(FlowsAppFactory.AdminEmail);
        Authorization.SetRoles(Roles.Admin);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id));
        return admin.Id;
    }

    /// <summary>Renders the providers a layout has (dialogs and popovers open into them) and then the profile page.</summary>
    protected ProfileView RenderProfile(Guid contactId)
    {
        var popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ContactProfilePage>(p => p.Add(x => x.Id, contactId));
        page.WaitForElement("[data-testid=thread]", Eventually);
        // The flows panel loads on its own: once it has, nothing re-renders the page under the test's clicks.
        page.WaitForElement("[data-testid=contact-flow-runs-empty], [data-testid=contact-flow-run]", Eventually);
        return new ProfileView(page, dialogs, popovers);
    }

    /// <summary>A new WhatsApp customer who wrote "hi", with their profile open.</summary>
    protected async Task<(Guid ContactId, IRenderedComponent<ContactProfilePage> Page)> OpenNewCustomerAsync(string name)
    {
        var contactId = await App.CustomerTextsOnWhatsAppAsync(TestData.NewGermanMobile(), name, App.Clock.GetUtcNow(), "hi");
        return (contactId, RenderProfile(contactId).Page);
    }

    /// <summary>The texts of the thread's messages, top (oldest) to bottom (newest).</summary>
    protected static List<string> ThreadTexts(IRenderedComponent<IComponent> page) =>
        [.. page.FindAll("[data-testid=message] [data-testid=message-text]").Select(e => e.TextContent.Trim())];

    protected static IElement Bubble(IRenderedComponent<IComponent> page, string text) =>
        page.FindAll("[data-testid=message]").Single(b => b.QuerySelector("[data-testid=message-text]")?.TextContent.Trim() == text);

    /// <summary>The input (or textarea) of a MudBlazor field marked with <paramref name="testId"/>.</summary>
    protected static IElement Field(IRenderedComponent<IComponent> component, string testId)
    {
        var marked = component.Find($"[data-testid={testId}]");
        return marked.TagName is "INPUT" or "TEXTAREA" ? marked : marked.QuerySelector("input, textarea")
            ?? throw new InvalidOperationException($"No input inside [data-testid={testId}].");
    }
}

public sealed record ProfileView(
    IRenderedComponent<ContactProfilePage> Page, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudPopoverProvider> Popovers);
