using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Hosting;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class CatalogTests
{
    [Fact]
    public void BuiltIns_Ports_AreTheStableNamesFlowsConnectBy()
    {
        var ports = new FlowHarness().Registry.Descriptors.Where(d => d.Type.StartsWith("flow.", StringComparison.Ordinal))
            .ToDictionary(d => d.Type, d => string.Join(",", d.Ports));

        Assert.Equal(new Dictionary<string, string>
        {
            ["flow.manualTrigger"] = "done",
            ["flow.scheduleTrigger"] = "done",
            ["flow.condition"] = "true,false",
            ["flow.switch"] = "default",
            ["flow.setVariable"] = "done",
            ["flow.end"] = "",
            ["flow.wait"] = "done",
            ["flow.waitUntil"] = "done",
            ["flow.waitForReply"] = "replied,timedOut",
            ["flow.httpRequest"] = "done,failed",
        }, ports);
    }

    [Fact]
    public void Catalog_AsJson_DescribesInputsForThePropertyPanel()
    {
        var catalog = JsonSerializer.SerializeToElement(new FlowHarness().Registry.Descriptors, JsonSerializerOptions.Web);

        var wait = catalog.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "flow.waitUntil");
        Assert.Equal("Timing", wait.GetProperty("category").GetString());
        Assert.False(wait.GetProperty("isTrigger").GetBoolean());
        var until = wait.GetProperty("inputs")[0];
        Assert.Equal(("until", "select", "timeOfDay"), (until.GetProperty("name").GetString(), until.GetProperty("kind").GetString(), until.GetProperty("default").GetString()));
        Assert.Equal(["timeOfDay", "businessHours"], until.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        var cases = catalog.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "flow.switch");
        Assert.Equal("cases", cases.GetProperty("casePortsInput").GetString());
    }

    [Fact]
    public void Registry_SameTypeTwice_Refuses()
    {
        Assert.Throws<ArgumentException>(() => new ActivityRegistry([new EndActivity(), new EndActivity()]));
    }

    [Fact]
    public void AddFlowEngine_WithPlatformStores_ResolvesTheRunnerAndCatalog()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IFlowStore, InMemoryFlowStore>();
        services.AddSingleton<IFlowDefinitionStore, InMemoryFlowDefinitionStore>();
        services.AddSingleton<IFlowTimerScheduler, RecordingTimerScheduler>();
        services.AddFlowEngine().AddActivity<RecordingSendActivity>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<FlowRunner>());
        Assert.True(provider.GetRequiredService<ActivityRegistry>().TryGet("test.send", out _));
        Assert.Equal(11, provider.GetRequiredService<ActivityRegistry>().Descriptors.Count);
    }

    [Fact]
    public void ScheduleTrigger_NextOccurrence_FollowsCronInItsTimeZone()
    {
        var harness = new FlowHarness();
        var flow = harness.Compiler.Compile(new FlowBuilder("daily")
            .Node("daily", "flow.scheduleTrigger", new { cron = "0 9 * * 1-5", timeZone = "Europe/Madrid" })
            .Build());
        var friday = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero); // 10:00 in Madrid

        var next = ScheduleTriggerActivity.NextOccurrence(flow.Triggers[0], friday);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), next);
        Assert.Equal("schedule:daily:daily:2026-11-30T08:00:00Z", ScheduleTriggerActivity.EventId("daily", "daily", next!.Value));
    }
}
