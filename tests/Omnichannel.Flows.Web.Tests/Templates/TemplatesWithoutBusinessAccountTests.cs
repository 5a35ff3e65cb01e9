using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

/// <summary>The WhatsApp channel in sandbox mode: there is no business account whose templates could be synced or submitted.</summary>
public sealed class SandboxWhatsAppFactory : FlowsAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Channels:WhatsApp:Mode"] = "Sandbox";
}

/// <summary>A live WhatsApp channel that sends messages but was given no WhatsApp Business Account id.</summary>
public sealed class NoBusinessAccountFactory : FlowsAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Channels:WhatsApp:BusinessAccountId"] = "";
}

public sealed class SandboxTemplatesTests(SandboxWhatsAppFactory app) : IClassFixture<SandboxWhatsAppFactory>
{
    [Fact]
    public Task Sync_InSandboxMode_Is409SayingSoWithoutCallingMeta() => TemplateAssertions.SyncRefusedAsync(app, "sandbox mode");

    [Fact]
    public async Task Submit_InSandboxMode_Is409()
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/templates", new
        {
            name = "order_update", language = "en_US", category = "utility",
            components = new[] { new { type = "BODY", text = "Hi {{1}}" } },
        });

        await TemplateAssertions.NoBusinessAccountAsync(response, "sandbox mode");
        Assert.DoesNotContain(app.Provider.Requests, r => r.Path.Contains("message_templates", StringComparison.Ordinal));
    }
}

public sealed class NoBusinessAccountTemplatesTests(NoBusinessAccountFactory app) : IClassFixture<NoBusinessAccountFactory>
{
    [Fact]
    public Task Sync_WithoutBusinessAccountId_Is409NamingTheSetting() =>
        TemplateAssertions.SyncRefusedAsync(app, "Channels:WhatsApp:BusinessAccountId");
}

internal static class TemplateAssertions
{
    public static async Task SyncRefusedAsync(FlowsAppFactory app, string detailContains)
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/templates/sync", null);

        await NoBusinessAccountAsync(response, detailContains);
        Assert.DoesNotContain(app.Provider.Requests, r => r.Path.Contains("message_templates", StringComparison.Ordinal));
    }

    public static async Task NoBusinessAccountAsync(HttpResponseMessage response, string detailContains)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No WhatsApp Business Account", problem.GetProperty("title").GetString());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }
}
