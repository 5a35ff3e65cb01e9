using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Templates;

public sealed class SavedReplyTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task Crud_AsAdmin_CreatesReadsUpdatesAndDeletes()
    {
        var admin = await app.CreateAdminClientAsync();
        var name = NewName("Opening hours");

        var created = await admin.PostAsJsonAsync("/api/saved-replies", new { name, text = "We are open 9-18.", channels = new[] { "sms", "Email" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reply = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = reply.GetProperty("id").GetGuid();
        Assert.Equal($"/api/saved-replies/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(new[] { "sms", "email" }, reply.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        await using (var db = await app.CreateDbContextAsync())
        {
            var stored = await db.SavedReplies.SingleAsync(r => r.Id == id);
            Assert.Equal((name, "We are open 9-18."), (stored.Name, stored.Text));
            Assert.Equal(new[] { ChannelKind.Sms, ChannelKind.Email }, stored.Channels);
        }

        var updated = await admin.PutAsJsonAsync($"/api/saved-replies/{id}", new { name, text = "We are open 8-20.", channels = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/saved-replies/{id}");
        Assert.Equal("We are open 8-20.", read.GetProperty("text").GetString());
        Assert.Equal(0, read.GetProperty("channels").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/saved-replies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/saved-replies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/saved-replies/{id}")).StatusCode);
    }

    [Fact]
    public async Task Roles_MarketingWrites_AgentOnlyReadsAndRenders()
    {
        var admin = await app.CreateAdminClientAsync();
        var marketing = await app.CreateClientWithRoleAsync("Marketing");
        var agent = await app.CreateClientWithRoleAsync("Agent");
        var name = NewName("Thanks");

        var byMarketing = await marketing.PostAsJsonAsync("/api/saved-replies", new { name, text = "Thank you!" });
        var id = (await byMarketing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var byAgent = await agent.PostAsJsonAsync("/api/saved-replies", new { name = NewName("Agent's"), text = "Hi" });

        Assert.Equal(HttpStatusCode.Created, byMarketing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/saved-replies/{id}", new { name, text = "changed" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/saved-replies/{id}")).StatusCode);
        var list = await agent.GetFromJsonAsync<JsonElement>($"/api/saved-replies?search={Uri.EscapeDataString(name)}");
        Assert.Equal(name, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal("Thank you!", (await db.SavedReplies.SingleAsync(r => r.Id == id)).Text);
    }

    [Fact]
    public async Task Render_FillsTheContactsNamesAndCustomFields()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hi");
        (await admin.PutAsJsonAsync($"/api/contacts/{contactId}", new { displayName = "Anna Example", firstName = "Anna", lastName = "Example" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/contacts/{contactId}/fields/plan", new { value = "Gold" })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/api/saved-replies", new
        {
            name = NewName("Plan"),
            text = "Hi {{ contact.first_name }} {{ contact.last_name | upcase }}, your {{ contact.fields.plan }} plan renews soon. {{ contact.fields.shoe_size | default: \"-\" }}",
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var agent = await app.CreateClientWithRoleAsync("Agent");

        var rendered = await agent.PostAsJsonAsync($"/api/saved-replies/{id}/render", new { contactId });

        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        Assert.Equal("Hi Anna EXAMPLE, your Gold plan renews soon. -", (await rendered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Render_AMissingFirstName_UsesTheDefault_AndAnUnknownContactIs404()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hi");
        var created = await admin.PostAsJsonAsync("/api/saved-replies", new { name = NewName("Greeting"), text = "Hello {{ contact.first_name | default: \"there\" }}!" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var rendered = await admin.PostAsJsonAsync($"/api/saved-replies/{id}/render", new { contactId });
        var unknown = await admin.PostAsJsonAsync($"/api/saved-replies/{id}/render", new { contactId = Guid.NewGuid() });

        Assert.Equal("Hello there!", (await rendered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Render_ATextThatDoublesItself_IsStoppedAndRefused()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hi");
        var created = await admin.PostAsJsonAsync("/api/saved-replies",
            new { name = NewName("Doubling"), text = "{% assign s = 'spam' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var rendered = await admin.PostAsJsonAsync($"/api/saved-replies/{id}/render", new { contactId });

        Assert.Equal(HttpStatusCode.BadRequest, rendered.StatusCode);
        var problem = await rendered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("'append' made a text longer than", problem.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ARunawayLoop_IsStoppedAndRefused()
    {
        var admin = await app.CreateAdminClientAsync();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Hi");
        var created = await admin.PostAsJsonAsync("/api/saved-replies", new { name = NewName("Loop"), text = "{% for i in (1..10000) %}{% for j in (1..10000) %}spam {% endfor %}{% endfor %}" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var rendered = await admin.PostAsJsonAsync($"/api/saved-replies/{id}/render", new { contactId });

        Assert.Equal(HttpStatusCode.BadRequest, rendered.StatusCode);
        Assert.True((await rendered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("text", out _));
    }

    [Theory]
    [InlineData("", "Hi", null, "name")]
    [InlineData("Broken", "Hi {{ contact.first_name", null, "text")]
    [InlineData("Broken loop", "{% for x in contact %}", null, "text")]
    [InlineData("Huge range", "{% for i in (1..10000000) %}spam {% endfor %}", null, "text")]
    [InlineData("Fax", "Hi", "fax", "/channels/0")]
    public async Task Create_Invalid_Is400SayingWhere(string name, string text, string? channel, string where)
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/saved-replies", new { name, text, channels = channel is null ? null : new[] { channel } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(where, out _), problem.ToString());
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.SavedReplies.AnyAsync(r => r.Text == text && r.Name == name));
    }

    [Fact]
    public async Task Create_ANameInUse_Is409PointingAtTheName()
    {
        var admin = await app.CreateAdminClientAsync();
        var name = NewName("Twice");
        (await admin.PostAsJsonAsync("/api/saved-replies", new { name, text = "one" })).EnsureSuccessStatusCode();

        var again = await admin.PostAsJsonAsync("/api/saved-replies", new { name, text = "two" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("/name", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
    }

    private static string NewName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
