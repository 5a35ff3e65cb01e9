using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

namespace Omnichannel.Flows.EndToEnd.Tests;

/// <summary>
/// Durable execution against a real process: a run waiting on a timer survives the app being killed, and the next
/// start fires the timer once, after its due time. Also the host's <c>flows import/export</c> verbs.
/// </summary>
public sealed class AutomationCrashTests : IAsyncDisposable
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "omnichannel-crash", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WaitingRun_SurvivesAHardKill_AndItsTimerFiresOnceAfterTheRestart()
    {
        await using var endpoint = await CountingEndpoint.StartAsync();
        string runId;
        DateTimeOffset startedAt;
        await using (var first = new ChildProcessApp(dataPath))
        {
            await first.StartAsync();
            using var admin = await AppApi.SignInAsync(first.BaseUrl, ChildProcessApp.AdminEmail, ChildProcessApp.AdminPassword);
            var import = await admin.PostAsync("api/flows/import?publish=true", Json(WaitThenCall("crash-wait", "PT5S", endpoint.Url)));
            Assert.True(import.StatusCode == HttpStatusCode.Created, await import.Content.ReadAsStringAsync());
            startedAt = DateTimeOffset.UtcNow;
            var start = await admin.PostAsJsonAsync("api/flows/crash-wait/start", new { });
            Assert.True(start.StatusCode == HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync());
            runId = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

            first.Kill();
        }

        Assert.Empty(endpoint.Calls);
        await using var second = new ChildProcessApp(dataPath);
        await second.StartAsync();
        await endpoint.WaitForCallAsync(TimeSpan.FromSeconds(60));
        using var client = await AppApi.SignInAsync(second.BaseUrl, ChildProcessApp.AdminEmail, ChildProcessApp.AdminPassword);
        var run = await WaitForStatusAsync(client, runId, "finished");

        var call = Assert.Single(endpoint.Calls);
        Assert.True(call.At >= startedAt + TimeSpan.FromSeconds(5), $"Called at {call.At:O}, started at {startedAt:O}.");
        Assert.StartsWith(runId + ":call:", call.IdempotencyKey);
        Assert.Contains(run.GetProperty("journal").EnumerateArray(), s => s.GetProperty("nodeId").GetString() == "wait" && s.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task StepInFlightWhenTheAppDies_IsRunAgainAfterTheRestart_WithTheSameIdempotencyKey()
    {
        await using var endpoint = await CountingEndpoint.StartAsync(holdFirstCall: true);
        string runId;
        await using (var first = new ChildProcessApp(dataPath))
        {
            await first.StartAsync();
            using var admin = await AppApi.SignInAsync(first.BaseUrl, ChildProcessApp.AdminEmail, ChildProcessApp.AdminPassword);
            (await admin.PostAsync("api/flows/import?publish=true", Json(WaitThenCall("crash-step", "PT1S", endpoint.Url)))).EnsureSuccessStatusCode();
            var start = await admin.PostAsJsonAsync("api/flows/crash-step/start", new { });
            runId = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
            await endpoint.WaitForCallAsync(TimeSpan.FromSeconds(30)); // the call is in flight, unanswered

            first.Kill();
        }

        await using var second = new ChildProcessApp(dataPath);
        await second.StartAsync();
        await endpoint.WaitForCallAsync(TimeSpan.FromSeconds(60));
        using var client = await AppApi.SignInAsync(second.BaseUrl, ChildProcessApp.AdminEmail, ChildProcessApp.AdminPassword);
        await WaitForStatusAsync(client, runId, "finished");

        Assert.Equal(2, endpoint.Calls.Count);
        Assert.Single(endpoint.Calls.Select(c => c.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task FlowsVerbs_ImportAFolder_AllOrNothing_AndExportIt()
    {
        var folder = Path.Combine(dataPath, "in");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a-good.json"), WaitThenCall("cli-good", "PT1M", new Uri("http://127.0.0.1:9/hook")).ToJsonString());
        var bad = WaitThenCall("cli-bad", "soon", new Uri("http://127.0.0.1:9/hook"));
        await File.WriteAllTextAsync(Path.Combine(folder, "b-bad.json"), bad.ToJsonString());
        await using var app = new ChildProcessApp(dataPath);

        var (failed, failedOutput) = await app.RunCommandAsync("flows", "import", folder);
        File.Delete(Path.Combine(folder, "b-bad.json"));
        // Relative folders, as typed at the repository's root while `dotnet run --project` starts the app in its own folder.
        var (imported, _) = await app.RunCommandFromAsync(dataPath, "flows", "import", "in", "--publish");
        var (exported, _) = await app.RunCommandFromAsync(dataPath, "flows", "export", "./out");

        Assert.Equal(1, failed);
        Assert.Contains("b-bad.json: /nodes/1/inputs/duration:", failedOutput);
        Assert.Contains("nothing was imported", failedOutput);
        Assert.Equal(0, imported);
        Assert.Equal(0, exported);
        var files = Directory.GetFiles(Path.Combine(dataPath, "out"));
        var export = JsonNode.Parse(await File.ReadAllTextAsync(Assert.Single(files)))!;
        Assert.Equal("cli-good", export["id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "a-good.json"))), export));
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
            // the OS cleans the temp folder
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string runId, string status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"api/flow-runs/{runId}", deadline.Token);
            if (run.GetProperty("run").GetProperty("status").GetString() == status)
            {
                return run;
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    /// <summary>Manual start → wait → POST to <paramref name="url"/>.</summary>
    private static JsonObject WaitThenCall(string id, string duration, Uri url) => new()
    {
        ["schemaVersion"] = 1,
        ["id"] = id,
        ["name"] = $"Wait then call ({id})",
        ["version"] = 1,
        ["concurrency"] = "parallel",
        ["nodes"] = new JsonArray
        {
            Node("start", "flow.manualTrigger", new JsonObject(), 0),
            Node("wait", "flow.wait", new JsonObject { ["duration"] = duration }, 1),
            Node("call", "flow.httpRequest", new JsonObject { ["method"] = "POST", ["url"] = url.ToString(), ["body"] = "{}" }, 2),
        },
        ["connections"] = new JsonArray { Connection("start", "wait"), Connection("wait", "call") },
    };

    private static JsonObject Node(string id, string type, JsonObject inputs, int index) => new()
    {
        ["id"] = id, ["type"] = type, ["inputs"] = inputs, ["position"] = new JsonObject { ["x"] = index * 200, ["y"] = 0 },
    };

    private static JsonObject Connection(string from, string to) => new()
    {
        ["source"] = new JsonObject { ["node"] = from, ["port"] = "done" },
        ["target"] = new JsonObject { ["node"] = to, ["port"] = "in" },
    };

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
