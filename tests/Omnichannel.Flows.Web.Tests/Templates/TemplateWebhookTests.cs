using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

public sealed class TemplateWebhookTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task StatusUpdates_ApproveThenPause_TheStoredTemplate()
    {
        var (id, name) = await SeedAsync(TemplateStatus.Pending);

        await PostAsync(MetaTemplatePayloads.StatusUpdate(id, name, "en_US", "APPROVED"));
        var approved = await StoredAsync(name);
        await PostAsync(MetaTemplatePayloads.StatusUpdate(id, name, "en_US", "PAUSED", reason: "Your template was paused due to low quality."));
        var paused = await StoredAsync(name);

        Assert.Equal(TemplateStatus.Approved, approved.Status);
        Assert.Equal(TemplateStatus.Paused, paused.Status);
        Assert.Null(paused.RejectedReason);
        Assert.Equal("Hi {{1}}", paused.BodyText);
    }

    [Fact]
    public async Task StatusUpdate_Rejected_KeepsMetasReason()
    {
        var (id, name) = await SeedAsync(TemplateStatus.Pending);

        await PostAsync(MetaTemplatePayloads.StatusUpdate(id, name, "en_US", "REJECTED", reason: "INVALID_FORMAT"));

        var stored = await StoredAsync(name);
        Assert.Equal((TemplateStatus.Rejected, "INVALID_FORMAT"), (stored.Status, stored.RejectedReason));
    }

    [Fact]
    public async Task CategoryUpdate_ChangesTheCategory_FoundByNameAndLanguageWhenTheIdIsNew()
    {
        var (_, name) = await SeedAsync(TemplateStatus.Approved, TemplateCategory.Utility);

        await PostAsync(MetaTemplatePayloads.CategoryUpdate(987654321, name, "en_US", "UTILITY", "MARKETING"));

        var stored = await StoredAsync(name);
        Assert.Equal(TemplateCategory.Marketing, stored.Category);
        Assert.Equal("987654321", stored.ExternalId);
    }

    [Fact]
    public async Task CategoryUpdate_OnlyAnnounced_ChangesNothingYet()
    {
        var (id, name) = await SeedAsync(TemplateStatus.Approved, TemplateCategory.Utility);
        var announced = MetaTemplatePayloads.Webhook("template_category_update", $$"""
            {
              "message_template_id": {{id}}, "message_template_name": "{{name}}", "message_template_language": "en_US",
              "correct_category": "MARKETING", "new_category": "UTILITY", "category_update_timestamp": 1764676800
            }
            """);

        await PostAsync(announced);

        Assert.Equal(TemplateCategory.Utility, (await StoredAsync(name)).Category);
    }

    [Fact]
    public async Task QualityUpdate_ChangesTheQuality()
    {
        var (id, name) = await SeedAsync(TemplateStatus.Approved);

        await PostAsync(MetaTemplatePayloads.QualityUpdate(id, name, "en-US", "GREEN", "YELLOW"));

        Assert.Equal(TemplateQuality.Yellow, (await StoredAsync(name)).Quality);
    }

    [Fact]
    public async Task StatusUpdate_ForAnUnknownTemplate_CreatesItFromTheWebhook()
    {
        var name = $"made_in_manager_{Guid.NewGuid():N}"[..30];
        var id = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);

        await PostAsync(MetaTemplatePayloads.StatusUpdate(id, name, "pt_BR", "APPROVED", category: "MARKETING"));

        await using var db = await app.CreateDbContextAsync();
        var created = await db.MessageTemplates.SingleAsync(t => t.Name == name);
        Assert.Equal((ChannelKind.WhatsApp, id.ToString(), "pt_BR"), (created.Channel, created.ExternalId, created.Language));
        Assert.Equal((TemplateStatus.Approved, TemplateCategory.Marketing, TemplateQuality.Unknown), (created.Status, created.Category, created.Quality));
        Assert.Equal("[]", created.Components);
        Assert.Null(created.BodyText);
        Assert.Null(created.LastSyncedAt);
    }

    [Fact]
    public async Task QualityUpdate_ForAnUnknownTemplate_IsLeftToTheNextSync()
    {
        var name = $"unknown_{Guid.NewGuid():N}";

        await PostAsync(MetaTemplatePayloads.QualityUpdate(42, name, "en_US", "GREEN", "RED"));

        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.MessageTemplates.AnyAsync(t => t.Name == name));
    }

    [Fact]
    public void Startup_SchedulesTheTemplateSyncHourly()
    {
        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();

        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == WhatsAppTemplateSync.JobId);

        Assert.Equal(Cron.Hourly(), job.Cron);
        Assert.Equal(typeof(WhatsAppTemplateSync), job.Job.Type);
    }

    private async Task<(long Id, string Name)> SeedAsync(TemplateStatus status, TemplateCategory category = TemplateCategory.Utility)
    {
        var id = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var name = $"shipping_{Guid.NewGuid():N}";
        await using var db = await app.CreateDbContextAsync();
        db.MessageTemplates.Add(new MessageTemplate
        {
            ExternalId = id.ToString(), Name = name, Language = "en_US", Category = category, Status = status,
            Quality = TemplateQuality.Green, BodyText = "Hi {{1}}", BodyParameters = ["1"],
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime, UpdatedAt = app.Clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
        return (id, name);
    }

    private async Task PostAsync(string body)
    {
        var response = await app.CreateClient().PostMetaAsync("/webhooks/whatsapp", body, app.Secrets.WhatsAppAppSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.WaitForInboundProcessingAsync();
    }

    private async Task<MessageTemplate> StoredAsync(string name)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.MessageTemplates.AsNoTracking().SingleAsync(t => t.Name == name);
    }
}
