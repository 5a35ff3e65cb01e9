using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.SampleFlows;

/// <summary>
/// flows/whatsapp-window-close-utility-template.json run by the engine over the real platform when the customer's
/// WhatsApp window has closed (the fake clock moved past it), started as hosting starts a <c>trigger.windowClosed</c> flow.
/// </summary>
public sealed class WhatsAppWindowCloseFlowTests : IClassFixture<ActivityAppFactory>
{
    private const string TemplateName = "order_update";
    private readonly ActivityAppFactory app;
    private readonly FlowDefinition flow;

    public WhatsAppWindowCloseFlowTests(ActivityAppFactory app)
    {
        this.app = app;
        flow = app.PublishSample("whatsapp-window-close-utility-template.json");
        app.Provider.AcceptWhatsAppSends();
    }

    [Fact]
    public async Task UnansweredQuestion_WhenTheWindowCloses_GetsTheUtilityTemplate_WithItsCost_AndATag()
    {
        await EnsureTemplateAsync();
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "Has my order shipped yet?");
        await app.SetFirstNameAsync(contactId, "Elif");
        app.Clock.Advance(ServiceWindowPolicy.WhatsAppWindow + TimeSpan.FromMinutes(1));

        var instance = await StartWindowClosedAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        var send = Assert.Single(app.StepsOf(instance.Id, "order-update"));
        Assert.Equal("sent", send.Port);
        Assert.Equal("0.055 USD (Germany)", send.Recorded("cost"));
        await using var db = await app.CreateDbContextAsync();
        var message = await db.Messages.AsNoTracking().SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound);
        Assert.Equal((MessageKind.Template, TemplateName, MessageOrigin.Automation), (message.Kind, message.TemplateName, message.Origin));
        Assert.Equal(55_000, message.CostEstimateMicros);
        Assert.Equal("USD", message.CostCurrency);
        var request = await app.Provider.WaitForRequestAsync(r => r.Path.EndsWith(FakeProviderServer.WhatsAppMessagesPath, StringComparison.Ordinal) && r.Body.Contains(phone.TrimStart('+'), StringComparison.Ordinal));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("template", body.GetProperty("type").GetString());
        Assert.Equal(TemplateName, body.GetProperty("template").GetProperty("name").GetString());
        Assert.Contains("\"Elif\"", request.Body, StringComparison.Ordinal);
        Assert.Equal(["window-closed"], await app.TagsAsync(contactId));
    }

    [Fact]
    public async Task AQuestionAlreadyAnswered_GetsNothing()
    {
        await EnsureTemplateAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Do you deliver on Saturdays?");
        await app.RunActionAsync(contactId, "message.send", new { text = "We do, 9 to 14." });
        app.Clock.Advance(ServiceWindowPolicy.WhatsAppWindow + TimeSpan.FromMinutes(1));

        var instance = await StartWindowClosedAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        Assert.Empty(app.StepsOf(instance.Id, "order-update"));
        Assert.Empty(await app.TagsAsync(contactId));
    }

    [Fact]
    public async Task AResolvedConversation_GetsNothing()
    {
        await EnsureTemplateAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "never mind, found it");
        await app.RunActionAsync(contactId, "conversation.close", new { });
        app.Clock.Advance(ServiceWindowPolicy.WhatsAppWindow + TimeSpan.FromMinutes(1));

        var instance = await StartWindowClosedAsync(contactId);

        Assert.Empty(app.StepsOf(instance.Id, "order-update"));
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Origin == MessageOrigin.Automation && m.Kind == MessageKind.Template));
    }

    [Fact]
    public async Task WhenTheTemplateCannotGo_AgentsGetANote_WithTheQuestion()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Can I change the address?");
        using (var admin = await app.CreateAdminClientAsync())
        {
            // The customer opts out of WhatsApp altogether: no template may go.
            (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/consent", new { channel = "whatsapp", scope = "all", optedIn = false }))
                .EnsureSuccessStatusCode();
        }

        app.Clock.Advance(ServiceWindowPolicy.WhatsAppWindow + TimeSpan.FromMinutes(1));

        var instance = await StartWindowClosedAsync(contactId);

        Assert.Equal("failed", Assert.Single(app.StepsOf(instance.Id, "order-update")).Port);
        await using var db = await app.CreateDbContextAsync();
        var note = await db.ConversationNotes.SingleAsync(n => n.ContactId == contactId);
        Assert.Contains("\"Can I change the address?\"", note.Text, StringComparison.Ordinal);
        Assert.Empty(await app.TagsAsync(contactId));
    }

    /// <summary>Starts the flow as hosting does when the window closes: the time trigger's payload, facts read now.</summary>
    private async Task<FlowInstance> StartWindowClosedAsync(Guid contactId)
    {
        var conversation = await app.ConversationAsync(contactId);
        var closesAt = conversation.LastCustomerMessageAt!.Value + ServiceWindowPolicy.WhatsAppWindow;
        var payload = JsonSerializer.SerializeToElement(new { channel = "whatsapp", lastCustomerMessageAt = conversation.LastCustomerMessageAt, closesAt });
        var started = await app.StartAsync(flow, contactId, payload, $"window-closed:{contactId}:{closesAt:O}");
        return started.Instance ?? throw new InvalidOperationException($"Not started: {started.Outcome}.");
    }

    /// <summary>The approved utility template the sample names, as a template sync stores it.</summary>
    private async Task EnsureTemplateAsync()
    {
        await using var db = await app.CreateDbContextAsync();
        if (await db.MessageTemplates.AnyAsync(t => t.Channel == ChannelKind.WhatsApp && t.Name == TemplateName && t.Language == "en_US"))
        {
            return;
        }

        const string body = "Hi {{1}}, we have an update on your request. Reply to this message and we will continue here.";
        db.MessageTemplates.Add(new MessageTemplate
        {
            Name = TemplateName,
            Language = "en_US",
            Category = TemplateCategory.Utility,
            Status = TemplateStatus.Approved,
            BodyText = body,
            BodyParameters = TemplateParameters.PlaceholdersOf(body),
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            UpdatedAt = app.Clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
    }
}
