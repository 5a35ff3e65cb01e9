using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Web.Components.Broadcasts;
using Omnichannel.Flows.Web.Tests.Broadcasts;

namespace Omnichannel.Flows.Web.Tests.Components.Broadcasts;

/// <summary>The broadcast page tests share one app host (real SQLite file, real platform services, fake provider) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BroadcastPagesCollection : ICollectionFixture<BroadcastAppFactory>
{
    public const string Name = "broadcast pages";
}

/// <summary>bUnit over the real app's broadcast services, signed in as the bootstrap admin, with helpers that drive the wizard as a marketer would.</summary>
public abstract class BroadcastPagesContext : ComponentTest
{
    /// <summary>Database work and background sends take longer than bUnit's one-second default.</summary>
    protected static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);

    protected BroadcastPagesContext(BroadcastAppFactory app) : base(app) => Render<MudPopoverProvider>();

    protected static void Click(IRenderedComponent<IComponent> cut, string testId) => cut.Find($"[data-testid={testId}]").Click();

    protected static string TextOf(IRenderedComponent<IComponent> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    /// <summary>What an input (found by its id) holds.</summary>
    protected static string? ValueOf(IRenderedComponent<IComponent> cut, string inputId) => cut.Find($"#{inputId}").GetAttribute("value");

    protected static IElement Row(IRenderedComponent<IComponent> cut, string testId, string attribute, string value) =>
        cut.Find($"[data-testid={testId}][{attribute}='{value}']");

    protected static void WaitFor(IRenderedComponent<IComponent> cut, string testId) => cut.WaitForElement($"[data-testid={testId}]", Eventually);

    /// <summary>Step 1 (name) → step 2: the audience by tags and the channels in order.</summary>
    protected async Task<IRenderedComponent<BroadcastWizardPage>> WizardAtAudienceAsync(string name, string tags, params string[] channels)
    {
        await SignInAsAdminAsync();
        var cut = Render<BroadcastWizardPage>();
        Type(cut, "broadcast-name", name);
        Click(cut, "wizard-next");
        WaitFor(cut, "wizard-step-audience");
        Type(cut, "broadcast-tags", tags);
        foreach (var channel in channels)
        {
            Click(cut, $"channel-add-{channel}");
        }

        return cut;
    }

    /// <summary>Step 3: chooses the WhatsApp template by name.</summary>
    protected static void ChooseTemplate(IRenderedComponent<BroadcastWizardPage> cut, string templateName)
    {
        cut.WaitForElement($"[data-testid=template-option][data-template='{templateName}']", Eventually);
        Row(cut, "template-option", "data-template", templateName).QuerySelector("[data-testid=template-choose]")!.Click();
    }

    protected static void Next(IRenderedComponent<BroadcastWizardPage> cut, WizardStep expected)
    {
        Click(cut, "wizard-next");
        WaitFor(cut, $"wizard-step-{expected.ToString().ToLowerInvariant()}");
    }

    protected async Task<Broadcast> StoredAsync(Guid id)
    {
        await using var db = await App.CreateDbContextAsync();
        return await db.Broadcasts.FindAsync(id) ?? throw new InvalidOperationException($"No broadcast {id}.");
    }

    /// <summary>A WhatsApp broadcast to <paramref name="tag"/>, stored and (when <paramref name="startAt"/> is given) scheduled with its estimate confirmed.</summary>
    protected async Task<Guid> BroadcastAsync(
        string tag, Platform.Templates.MessageTemplate template, DateTime? startAt = null, bool schedule = true, QuietHoursRequest? quietHours = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var drafts = scope.ServiceProvider.GetRequiredService<BroadcastDrafts>();
        var created = await drafts.CreateAsync(new BroadcastRequest($"Broadcast {tag}", "marketing", new AudienceRequest([tag]), ["whatsapp"],
            new Dictionary<string, ChannelContentRequest>
            {
                ["whatsapp"] = new(new TemplateRefRequest(template.Name, template.Language),
                    template.BodyParameters.ToDictionary(p => p, _ => new ParameterSource(Field: "contact.first_name", Fallback: "there"))),
            }, quietHours), null, CancellationToken.None);
        var id = created.Value!.Id;
        if (schedule)
        {
            var estimate = (await drafts.EstimateAsync(id, CancellationToken.None)).Value!;
            var scheduled = await scope.ServiceProvider.GetRequiredService<BroadcastControl>()
                .ScheduleAsync(id, new ScheduleRequest(startAt, estimate.Total), CancellationToken.None);
            Assert.True(scheduled.Succeeded, scheduled.Refusal?.Detail);
        }

        return id;
    }
}
