using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Contacts;

public sealed class ContactsApiTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task List_FindsAContactByPhoneNameOrTag()
    {
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hello");
        var admin = await app.CreateAdminClientAsync();
        var tag = $"vip-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag = $"  {tag.ToUpperInvariant()} " })).EnsureSuccessStatusCode();

        var byPhone = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts?search={Uri.EscapeDataString(phone[3..])}");
        var byTag = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts?tag={tag}");

        var found = Assert.Single(byPhone.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == contactId);
        Assert.Equal(phone, found.GetProperty("phones")[0].GetString());
        Assert.Equal("whatsapp", found.GetProperty("identities")[0].GetProperty("channel").GetString());
        Assert.Equal(1, byTag.GetProperty("total").GetInt32());
        Assert.Equal(tag, byTag.GetProperty("items")[0].GetProperty("tags")[0].GetString());
    }

    [Fact]
    public async Task List_PagesOnTheServer()
    {
        var admin = await app.CreateAdminClientAsync();
        for (var i = 0; i < 3; i++)
        {
            await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), $"paging {i}");
        }

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/contacts?page=2&pageSize=1");

        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 3);
        Assert.Equal(2, page.GetProperty("page").GetInt32());
    }

    [Fact]
    public async Task Tags_AreAddedOnceAndRemoved()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "tag me");
        var admin = await app.CreateAdminClientAsync();

        var first = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag = "Billing" });
        var again = await admin.PostAsJsonAsync($"/api/contacts/{contactId}/tags", new { tag = "billing" });
        var removed = await admin.DeleteAsync($"/api/contacts/{contactId}/tags/billing");
        var removedAgain = await admin.DeleteAsync($"/api/contacts/{contactId}/tags/billing");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
    }

    [Theory]
    [InlineData("""{ "tag": "" }""", "tag")]
    [InlineData("""{ "tag": "  " }""", "tag")]
    [InlineData("""{ "tag": 42 }""", null)]
    public async Task BadTag_Is400ProblemSayingWhere(string body, string? field)
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "bad tag");
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsync($"/api/contacts/{contactId}/tags", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        }
        else
        {
            Assert.Equal("/tag", problem.GetProperty("pointer").GetString());
        }
    }

    [Fact]
    public async Task ProfileFields_AreEditable()
    {
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "fields");
        var admin = await app.CreateAdminClientAsync();

        (await admin.PutAsJsonAsync($"/api/contacts/{contactId}", new { firstName = "Anna", timeZone = "Europe/Berlin", locale = "de-DE" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/contacts/{contactId}/fields/plan", new { value = "gold" })).EnsureSuccessStatusCode();
        var badZone = await admin.PutAsJsonAsync($"/api/contacts/{contactId}", new { timeZone = "Mars/Olympus" });
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}");

        Assert.Equal("Anna", contact.GetProperty("firstName").GetString());
        Assert.Equal("Europe/Berlin", contact.GetProperty("timeZone").GetString());
        Assert.Equal("gold", contact.GetProperty("fields").GetProperty("plan").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
    }

    [Fact]
    public async Task UnknownContact_Is404Problem()
    {
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.GetAsync($"/api/contacts/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
