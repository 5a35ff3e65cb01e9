using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary><c>whatsapp.sendTemplate</c> through the real outbox, pricing and the fake WhatsApp Cloud API.</summary>
public sealed class SendTemplateActivityTests : IClassFixture<ActivityAppFactory>
{
    private readonly ActivityAppFactory app;

    public SendTemplateActivityTests(ActivityAppFactory app)
    {
        this.app = app;
        app.Provider.AcceptWhatsAppSends();
    }

    [Fact]
    public async Task AfterTheWindowClosed_SendsTheTemplate_WithRenderedValues_AndItsCost()
    {
        var template = await app.TemplateAsync("Hi {{1}}, your order {{2}} has shipped.", TemplateCategory.Utility);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "where is my order?", app.Clock.GetUtcNow().AddHours(-26));
        await app.SetFirstNameAsync(contactId, "Jonas");

        var (instance, step) = await app.RunActionAsync(contactId, "whatsapp.sendTemplate",
            new { template = template.Name, parameters = new[] { "{{ contact.first_name }}", "A-1042" } });

        Assert.Equal("sent", step.Port);
        Assert.Equal("0.055 USD (Germany)", step.Recorded("cost"));
        var message = await OutboundAsync(contactId);
        Assert.Equal(MessageKind.Template, message.Kind);
        Assert.Equal(MessageOrigin.Automation, message.Origin);
        Assert.Equal("Hi Jonas, your order A-1042 has shipped.", message.Text);
        Assert.Equal(55_000, message.CostEstimateMicros);
        Assert.Equal($"{instance.Id}:{ActivitySteps.ActionNode}:1:1", message.IdempotencyKey);
        var request = await app.Provider.WaitForRequestAsync(r => r.Path.EndsWith(FakeProviderServer.WhatsAppMessagesPath, StringComparison.Ordinal) && r.Body.Contains(template.Name, StringComparison.Ordinal));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("template", body.GetProperty("type").GetString());
        Assert.Equal(phone.TrimStart('+'), body.GetProperty("to").GetString());
        var values = body.GetProperty("template").GetProperty("components")[0].GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString());
        Assert.Equal(["Jonas", "A-1042"], values);
    }

    [Fact]
    public async Task RunAgainAfterACrash_QueuesOneTemplate()
    {
        var template = await app.TemplateAsync("Your appointment is tomorrow.", TemplateCategory.Utility);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "ok");

        var (_, step) = await app.RunActionThroughACrashAsync(contactId, "whatsapp.sendTemplate", new { template = template.Name });

        Assert.Equal("sent", step.Port);
        await OutboundAsync(contactId);
    }

    [Fact]
    public async Task ATemplateNotApproved_FailsWithTheReason_AndSendsNothing()
    {
        var template = await app.TemplateAsync("Still in review.", TemplateCategory.Marketing, TemplateStatus.Pending);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hi");

        var (_, step) = await app.RunActionAsync(contactId, "whatsapp.sendTemplate", new { template = template.Name });

        Assert.Equal("failed", step.Port);
        Assert.Equal("template_not_approved", step.Recorded("refusal"));
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.Messages.AnyAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound));
    }

    private async Task<Message> OutboundAsync(Guid contactId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().SingleAsync(m => m.ContactId == contactId && m.Direction == MessageDirection.Outbound);
    }
}
