using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

public sealed class TemplateSubmitTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Submit_PostsWhatMetaExpects_AndStoresItPending()
    {
        var name = NewName();
        var components = JsonNode.Parse("""
            [
              { "type": "HEADER", "format": "TEXT", "text": "Your order" },
              { "type": "BODY", "text": "Hi {{1}}, order {{2}} is on its way.", "example": { "body_text": [["Mark", "566701"]] } },
              { "type": "BUTTONS", "buttons": [{ "type": "QUICK_REPLY", "text": "Stop updates" }] }
            ]
            """)!;
        app.Provider.Respond($"/message_templates", FakeResponse.Json("""{ "id": "594425479261596", "status": "PENDING", "category": "UTILITY" }"""));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/templates", new { name, language = "en_US", category = "utility", components });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/templates/{name}?language=en_US", response.Headers.Location?.OriginalString);
        var sent = Assert.Single(app.Provider.Requests, r => r.Method == "POST" && r.Body.Contains(name, StringComparison.Ordinal));
        Assert.Equal("/v24.0/WABA-1/message_templates", sent.Path);
        Assert.Equal("Bearer wa-access-token", sent.Headers["Authorization"]);
        var expected = new JsonObject
        {
            ["name"] = name,
            ["language"] = "en_US",
            ["category"] = "UTILITY",
            ["components"] = components.DeepClone(),
        };
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(sent.Body)), sent.Body);

        var shown = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", shown.GetProperty("status").GetString());
        Assert.Equal("template", shown.GetProperty("kind").GetString());
        await using var db = await app.CreateDbContextAsync();
        var stored = await db.MessageTemplates.SingleAsync(t => t.Name == name);
        Assert.Equal(("594425479261596", TemplateStatus.Pending, TemplateCategory.Utility), (stored.ExternalId, stored.Status, stored.Category));
        Assert.Equal("Hi {{1}}, order {{2}} is on its way.", stored.BodyText);
        Assert.Equal(new[] { "1", "2" }, stored.BodyParameters);
        Assert.True(JsonNode.DeepEquals(components, JsonNode.Parse(stored.Components)));
    }

    [Fact]
    public async Task Submit_WithNamedPlaceholders_SaysSoToMeta()
    {
        var name = NewName();
        app.Provider.Respond($"/message_templates", FakeResponse.Json("""{ "id": "594425479261597", "status": "PENDING", "category": "MARKETING" }"""));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/templates", new
        {
            name, language = "de", category = "MARKETING",
            components = new[] { new { type = "BODY", text = "Hallo {{first_name}}, {{discount}} Rabatt!" } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sent = JsonNode.Parse(Assert.Single(app.Provider.Requests, r => r.Method == "POST" && r.Body.Contains(name, StringComparison.Ordinal)).Body)!;
        Assert.Equal("named", sent["parameter_format"]?.GetValue<string>());
        Assert.Equal("MARKETING", sent["category"]?.GetValue<string>());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(new[] { "first_name", "discount" }, (await db.MessageTemplates.SingleAsync(t => t.Name == name)).BodyParameters);
    }

    [Theory]
    [InlineData("Order Update", "utility", """[{ "type": "BODY", "text": "Hi" }]""", "name")]
    [InlineData("order_update", "promotion", """[{ "type": "BODY", "text": "Hi" }]""", "category")]
    [InlineData("order_update", "utility", """[{ "type": "HEADER", "format": "TEXT", "text": "Hi" }]""", "components")]
    [InlineData("order_update", "utility", """[{ "text": "Hi" }]""", "/components/0/type")]
    [InlineData("order_update", "utility", """[{ "type": "BODY", "text": "" }]""", "/components/0/text")]
    [InlineData("order_update", "utility", """[{ "type": "HEADER", "format": "TEXT", "text": "x" }, { "type": "BODY", "text": "Hi {{1}}, see {{3}}" }]""", "/components/1/text")]
    [InlineData("order_update", "utility", """[{ "type": "BODY", "text": "Hi {{1}} and {{name}}" }]""", "/components/0/text")]
    [InlineData("order_update", "utility", """{ "type": "BODY" }""", "components")]
    public async Task Submit_Invalid_Is400SayingWhere_AndNothingReachesMeta(string name, string category, string components, string where)
    {
        var admin = await app.CreateAdminClientAsync();
        var body = $$"""{ "name": "{{name}}", "language": "en_US", "category": "{{category}}", "components": {{components}} }""";
        var submissionsBefore = app.Provider.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/message_templates", StringComparison.Ordinal));

        var response = await admin.PostAsync("/api/templates", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(where, out _), problem.ToString());
        Assert.Equal(submissionsBefore, app.Provider.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/message_templates", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Submit_MetaRefuses_Is422WithMetasMessage_AndNothingIsStored()
    {
        var name = NewName();
        app.Provider.Respond($"/message_templates", FakeResponse.Json("""
            { "error": { "message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2388024,
              "error_user_msg": "Content in this language already exists.",
              "error_data": { "details": "Content in this language already exists" } } }
            """, 400));
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/templates", new
        {
            name, language = "en_US", category = "utility", components = new[] { new { type = "BODY", text = "Hi {{1}}" } },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("100/2388024", problem.GetProperty("code").GetString());
        Assert.Contains("already exists", problem.GetProperty("detail").GetString());
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.MessageTemplates.AnyAsync(t => t.Name == name));
    }

    [Fact]
    public async Task Submit_ANameAndLanguageWeHave_Is409PointingAtTheName()
    {
        var name = NewName();
        await using (var db = await app.CreateDbContextAsync())
        {
            db.MessageTemplates.Add(new MessageTemplate
            {
                Name = name, Language = "en_US", Status = TemplateStatus.Approved,
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, UpdatedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync();
        }

        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/templates", new
        {
            name, language = "en_US", category = "utility", components = new[] { new { type = "BODY", text = "Hi" } },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("/name", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
        Assert.DoesNotContain(app.Provider.Requests, r => r.Method == "POST" && r.Body.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_AsMarketing_IsForbidden()
    {
        var marketing = await app.CreateClientWithRoleAsync("Marketing");

        var response = await marketing.PostAsJsonAsync("/api/templates", new
        {
            name = NewName(), language = "en_US", category = "utility", components = new[] { new { type = "BODY", text = "Hi" } },
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static string NewName() => $"order_update_{Guid.NewGuid():N}"[..24];
}
