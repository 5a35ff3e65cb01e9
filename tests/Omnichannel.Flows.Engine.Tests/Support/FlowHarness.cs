using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Tests.Support;

/// <summary>The engine wired on in-memory stores and a fake clock, with test activities registered beside the built-ins.</summary>
internal sealed class FlowHarness
{
    /// <param name="store">Wraps the in-memory store (e.g. to simulate a crash).</param>
    public FlowHarness(Func<InMemoryFlowStore, IFlowStore>? store = null, HttpMessageHandler? http = null)
    {
        Store = new InMemoryFlowStore();
        Registry = new ActivityRegistry([.. BuiltInActivities.Create(new StubHttpClientFactory(http ?? new StubHandler())), Send, Flaky, new MessageReceivedTrigger()]);
        Liquid = new LiquidTemplates(Clock);
        Compiler = new FlowCompiler(Registry, Liquid);
        Validator = new FlowValidator(new FlowSchema(), Compiler);
        var runnerStore = store?.Invoke(Store) ?? Store;
        Runner = new FlowRunner(new CompiledFlowCache(Definitions, Compiler), runnerStore, new LocalFlowInstanceLocks(), Timers, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public InMemoryFlowStore Store { get; }

    public InMemoryFlowDefinitionStore Definitions { get; } = new();

    public RecordingTimerScheduler Timers { get; } = new();

    public RecordingSendActivity Send { get; } = new();

    public FlakyActivity Flaky { get; } = new();

    public ActivityRegistry Registry { get; }

    public LiquidTemplates Liquid { get; }

    public FlowCompiler Compiler { get; }

    public FlowValidator Validator { get; }

    public FlowRunner Runner { get; }

    public IFlowFacts Facts { get; set; } = DictionaryFlowFacts.Empty;

    public FlowDefinition Publish(FlowDefinition definition)
    {
        Definitions.Publish(definition);
        return definition;
    }

    /// <summary>Starts the flow from its first trigger node; the event id is fresh unless given.</summary>
    public async Task<FlowStartResult> StartAsync(
        FlowDefinition flow, string? subject = "contact-1", string? eventId = null, bool byAutomation = false, object? payload = null)
    {
        var trigger = flow.Nodes.First(n => Registry.TryGet(n.Type, out var a) && a.Descriptor.IsTrigger).Id;
        var element = payload is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(payload);
        return await Runner.StartAsync(flow.Id, flow.Version, trigger,
            new TriggerEvent(eventId ?? Guid.NewGuid().ToString("N"), subject, element, byAutomation), Facts, TestContext.Current.CancellationToken);
    }

    /// <summary>What the platform's scheduler does when timers come due: resume each scheduled, due timer.</summary>
    public async Task<IReadOnlyList<FlowResumeResult>> FireDueTimersAsync()
    {
        var results = new List<FlowResumeResult>();
        foreach (var timer in Timers.TakeDue(Clock.GetUtcNow()))
        {
            results.Add(await Runner.ResumeAsync(timer.InstanceId, timer.Id, null, Facts, TestContext.Current.CancellationToken));
        }

        return results;
    }

    public Task<IReadOnlyList<FlowResumeResult>> ReplyAsync(string contact, object payload) =>
        Runner.ResumeEventAsync(WaitForReplyActivity.MessageReceived, contact, JsonSerializer.SerializeToElement(payload), Facts,
            TestContext.Current.CancellationToken);

    public FlowInstance Instance(string id) => Store.Instances().Single(i => i.Id == id);

    /// <summary>The node ids the journal shows, in order.</summary>
    public IReadOnlyList<string?> Steps(string instanceId) => Store.Journal(instanceId).Select(e => e.NodeId).ToList();
}

/// <summary>Records scheduled timers; hands out those due, as a job scheduler would run them.</summary>
internal sealed class RecordingTimerScheduler : IFlowTimerScheduler
{
    private readonly List<Bookmark> scheduled = [];

    public IReadOnlyList<Bookmark> Scheduled => scheduled;

    public ValueTask ScheduleAsync(Bookmark timer, CancellationToken cancellationToken)
    {
        scheduled.Add(timer);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<Bookmark> TakeDue(DateTimeOffset now)
    {
        var due = scheduled.Where(t => t.DueAt <= now).ToList();
        scheduled.RemoveAll(due.Contains);
        return due;
    }
}

internal sealed class StubHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}

/// <summary>Answers every request with <see cref="Respond"/> and keeps what was sent.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    public Func<HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = _ => new HttpResponseMessage(System.Net.HttpStatusCode.OK);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        return Respond(request);
    }
}
