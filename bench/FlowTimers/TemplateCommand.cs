using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Bench.LoadGen;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// Through the API, as an admin would: imports and publishes the bench flow (manual trigger → <c>flow.wait</c> →
/// <c>flow.httpRequest</c> POST to the counter's <c>/hit/{{ trigger.batch }}</c> → <c>flow.end</c>), starts ONE run
/// and waits until the runner has left it suspended on its timer. The seed clones that run's rows.
/// </summary>
internal static class TemplateCommand
{
    public const string FlowId = "bench-timers";

    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        var counter = Api.Loopback(arguments.Required("counter"));
        using var client = await Api.LoginAsync(arguments.Required("url"), arguments.Required("email"), arguments.Required("password"));
        var flow = Flow($"http://127.0.0.1:{counter.Port}/hit/{{{{ trigger.batch }}}}");
        await Api.ReadAsync(await client.PostAsync("/api/flows/import?publish=true", new StringContent(flow.ToJsonString(), Encoding.UTF8, "application/json")));
        var started = await Api.ReadAsync(await client.PostAsJsonAsync($"/api/flows/{FlowId}/start", new { payload = new { batch = "template" } }));
        var runId = started.GetProperty("runId").GetString()!;
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (true)
        {
            var run = await Api.ReadAsync(await client.GetAsync($"/api/flow-runs/{runId}"));
            var status = run.TryGetProperty("run", out var r) && r.TryGetProperty("status", out var s) ? s.ToString() : "?";
            if (status.Equals("suspended", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Console.Error.WriteLine($"Run {runId} is {status}, not suspended, after 60 s: {run}");
                return 1;
            }

            await Task.Delay(200);
        }

        await File.WriteAllTextAsync(arguments.Required("out"), JsonSerializer.Serialize(new { flowId = FlowId, runId }));
        Console.WriteLine($"Flow {FlowId} published; run {runId} is suspended on its wait timer");
        return 0;
    }

    private static JsonObject Flow(string url) => new()
    {
        ["schemaVersion"] = 1,
        ["id"] = FlowId,
        ["name"] = "Bench: wait, then call the counter",
        ["version"] = 1,
        ["concurrency"] = "parallel",
        ["nodes"] = new JsonArray
        {
            Node("start", "flow.manualTrigger", [], 0),
            Node("wait", "flow.wait", new JsonObject { ["duration"] = "P30D" }, 1),
            Node("call", "flow.httpRequest", new JsonObject { ["method"] = "POST", ["url"] = url, ["body"] = "{}" }, 2),
            Node("end", "flow.end", [], 3),
        },
        ["connections"] = new JsonArray { Connection("start", "done", "wait"), Connection("wait", "done", "call"), Connection("call", "done", "end") },
    };

    private static JsonObject Node(string id, string type, JsonObject inputs, int index) => new()
    {
        ["id"] = id, ["type"] = type, ["inputs"] = inputs, ["position"] = new JsonObject { ["x"] = index * 220, ["y"] = 0 },
    };

    private static JsonObject Connection(string from, string port, string to) => new()
    {
        ["source"] = new JsonObject { ["node"] = from, ["port"] = port },
        ["target"] = new JsonObject { ["node"] = to, ["port"] = "in" },
    };
}
