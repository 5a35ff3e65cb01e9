using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation.Definitions;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Two editors of one flow: the flow's revision is the ETag of its GET and of every save; a draft saved or a version
/// published with If-Match set to a revision someone else has saved over is refused (412), and saves that collide
/// answer 409. Nothing is overwritten unseen.
/// </summary>
public sealed class FlowRevisionTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task Get_AnswersTheRevisionAsETag_AndASaveWithIt_SavesAndAnswersTheNext()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await ImportAsync(admin, "revision", "PT1H");

        var read = await admin.GetAsync($"/api/flows/{id}");
        var put = await PutAsync(admin, id, "PT2H", ifMatch: read.Headers.ETag!.Tag);
        var again = await admin.GetAsync($"/api/flows/{id}");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.NotNull(put.Headers.ETag);
        Assert.NotEqual(read.Headers.ETag.Tag, put.Headers.ETag.Tag);
        Assert.Equal(put.Headers.ETag.Tag, again.Headers.ETag!.Tag);
        Assert.Equal(again.Headers.ETag.Tag, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetString());
        Assert.Contains("PT2H", await admin.GetStringAsync($"/api/flows/{id}/export?version=1"));
    }

    [Fact]
    public async Task PutDraft_BasedOnARevisionSomeoneSavedOver_Is412_AndKeepsTheirDraft()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await ImportAsync(admin, "two-editors", "PT1H");
        var mine = (await admin.GetAsync($"/api/flows/{id}")).Headers.ETag!.Tag;
        var theirs = await PutAsync(admin, id, "PT3H", ifMatch: null);

        var put = await PutAsync(admin, id, "PT5H", ifMatch: mine);

        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(theirs.Headers.ETag!.Tag, problem.GetProperty("currentRevision").GetString());
        Assert.Contains("changed since you read it", problem.GetProperty("detail").GetString());
        var export = await admin.GetStringAsync($"/api/flows/{id}/export");
        Assert.Contains("PT3H", export);
        Assert.DoesNotContain("PT5H", export);
    }

    [Fact]
    public async Task Publish_BasedOnAStaleRevision_Is412_AndPublishesNothing_WhileTheCurrentOnePublishes()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await ImportAsync(admin, "publish-reviewed", "PT1H");
        var reviewed = (await admin.GetAsync($"/api/flows/{id}")).Headers.ETag!.Tag;
        var changed = await PutAsync(admin, id, "PT4H", ifMatch: reviewed);

        var stale = await PublishAsync(admin, id, reviewed);
        var unpublished = await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}");
        var current = await PublishAsync(admin, id, changed.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(JsonValueKind.Null, unpublished.GetProperty("flow").GetProperty("publishedVersion").ValueKind);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(changed.Headers.ETag.Tag, current.Headers.ETag!.Tag); // publishing is not a new save
    }

    [Fact]
    public async Task IfMatch_Star_OrAbsent_SavesWhateverTheFlowHolds_AndAMissingFlowIs404()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await ImportAsync(admin, "any-revision", "PT1H");

        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, id, "PT2H", ifMatch: "*")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, id, "PT3H", ifMatch: null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(admin, TestFlows.NewId("nowhere"), "PT1H", ifMatch: "\"1.1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PublishAsync(admin, id, null, version: 9)).StatusCode);
    }

    [Fact]
    public async Task ImportsOfOneNewFlowAtOnce_EachSaveOneVersion_OrAnswer409_NeverAnError()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = TestFlows.NewId("at-once");
        var document = TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait("PT1H"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.PostAsync("/api/flows/import", JsonContent.Create(document))));

        Assert.All(answers, answer => Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("/version", (await conflict.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());
        }

        var versions = (await admin.GetFromJsonAsync<JsonElement>($"/api/flows/{id}")).GetProperty("versions").GetArrayLength();
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.Created), versions);
    }

    [Fact]
    public async Task AVersionChangedAfterItWasRead_IsNotOverwritten_ByTheSaveThatReadIt()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await ImportAsync(admin, "read-then-published", "PT1H");
        await using var reader = await app.CreateDbContextAsync();
        var draft = await reader.FlowVersions.SingleAsync(v => v.FlowId == id);

        // Someone publishes it between this read and its save: the save must not rewrite a published version.
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(admin, id, null)).StatusCode);
        draft.Json = draft.Json.Replace("PT1H", "PT9H", StringComparison.Ordinal);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => reader.SaveChangesAsync());
        Assert.Contains("PT1H", await admin.GetStringAsync($"/api/flows/{id}/export"));
    }

    private static async Task<string> ImportAsync(HttpClient client, string stem, string wait)
    {
        var response = await client.PostAsync("/api/flows/import", JsonContent.Create(Flow(TestFlows.NewId(stem), wait)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string id, string wait, string? ifMatch) =>
        SendAsync(client, HttpMethod.Put, $"/api/flows/{id}", JsonContent.Create(Flow(id, wait)), ifMatch);

    private static Task<HttpResponseMessage> PublishAsync(HttpClient client, string id, string? ifMatch, int? version = null) =>
        SendAsync(client, HttpMethod.Post, $"/api/flows/{id}/publish{(version is null ? "" : $"?version={version}")}", null, ifMatch);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, HttpContent? content, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    private static JsonObject Flow(string id, string wait) => TestFlows.Chain(id, TestFlows.Manual(), TestFlows.Wait(wait));
}
