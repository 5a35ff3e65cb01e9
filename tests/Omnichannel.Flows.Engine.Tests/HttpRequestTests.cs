using System.Net;
using System.Text;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class HttpRequestTests
{
    private readonly StubHandler http = new();

    private static FlowBuilder Call(object inputs) => new FlowBuilder("call")
        .Node("start", "flow.manualTrigger")
        .Node("call", "flow.httpRequest", inputs)
        .Node("ok", "test.send", new { text = "ok {{ flow.orderId }} {{ flow.total }}" })
        .Node("failed", "test.send", new { text = "failed" })
        .Connect("start", "done", "call")
        .Connect("call", "done", "ok")
        .Connect("call", "failed", "failed");

    [Fact]
    public async Task HttpRequest_Post_SendsRenderedUrlHeadersBodyAndIdempotencyKey()
    {
        var harness = new FlowHarness(http: http) { Facts = TestFacts.With(("contact.id", "c-9"), ("contact.first_name", "Ana \"Jr\"")) };
        var flow = harness.Publish(Call(new
        {
            method = "POST",
            url = "https://crm.test/contacts/{{ contact.id }}/orders",
            headers = new Dictionary<string, string> { ["X-Contact"] = "{{ contact.id }}", ["Content-Type"] = "application/vnd.crm+json" },
            body = "{ \"name\": {{ contact.first_name | json }} }",
        }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        var (request, body) = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://crm.test/contacts/c-9/orders", request.RequestUri!.ToString());
        Assert.Equal("c-9", request.Headers.GetValues("X-Contact").Single());
        Assert.Equal($"{instance.Id}:call:1:1", request.Headers.GetValues("Idempotency-Key").Single());
        Assert.Equal("application/vnd.crm+json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("{ \"name\": \"Ana \\u0022Jr\\u0022\" }", body);
        Assert.Equal(["ok  "], harness.Send.Texts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HttpRequest_AResponseTooLargeToMap_FaultsTheStep_WithOrWithoutItsLength(bool lengthKnown)
    {
        var json = "{ \"padding\": \"" + new string('x', HttpRequestActivity.MaxResponseBytes) + "\" }";
        http.Respond = _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = lengthKnown ? new StringContent(json, Encoding.UTF8, "application/json") : new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json))),
        };
        var harness = new FlowHarness(http: http);
        var flow = harness.Publish(Call(new { url = "https://crm.test/orders/latest", responseMapping = new { orderId = "/data/id" } }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        Assert.Contains("The response is larger than 1,024 KB", instance.Fault!.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Send.Texts);
    }

    /// <summary>A body whose length is not known up front (chunked).</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task HttpRequest_JsonResponse_MapsFieldsToVariables()
    {
        http.Respond = _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{ "data": { "id": "A-17", "totals": [ 5, 42.5 ] } }""", Encoding.UTF8, "application/json"),
        };
        var harness = new FlowHarness(http: http);
        var flow = harness.Publish(Call(new
        {
            url = "https://crm.test/orders/latest",
            responseMapping = new { orderId = "/data/id", total = "/data/totals/1", missing = "/nope" },
        }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(["ok A-17 42.5"], harness.Send.Texts);
        Assert.False(instance.Variables.ContainsKey("missing"));
        Assert.False(http.Requests[0].Request.Headers.Contains("Idempotency-Key"));
    }

    [Fact]
    public async Task HttpRequest_ErrorStatus_TakesFailed()
    {
        http.Respond = _ => new HttpResponseMessage(HttpStatusCode.UnprocessableEntity);
        var harness = new FlowHarness(http: http);
        var flow = harness.Publish(Call(new { url = "https://crm.test/x" }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(["failed"], harness.Send.Texts);
        Assert.Equal("422", harness.Store.Journal(instance.Id).Single(e => e.NodeId == "call").Inputs["status"]);
    }

    [Fact]
    public async Task HttpRequest_NoAnswer_FaultsForRetry()
    {
        http.Respond = _ => throw new HttpRequestException("connection refused");
        var harness = new FlowHarness(http: http);
        var flow = harness.Publish(Call(new { url = "https://crm.test/x" }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        Assert.Contains("connection refused", instance.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpRequest_RenderedUrlNotHttp_Faults()
    {
        var harness = new FlowHarness(http: http) { Facts = TestFacts.With(("contact.fields.site", "file:///etc/passwd")) };
        var flow = harness.Publish(Call(new { url = "{{ contact.fields.site }}" }).Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        Assert.Empty(http.Requests);
    }
}
