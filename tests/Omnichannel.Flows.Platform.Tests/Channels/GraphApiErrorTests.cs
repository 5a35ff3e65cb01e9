using System.Net;
using System.Text;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class GraphApiErrorTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{ "error": { "code": 130429, "message": "Rate limit hit" } }""")]
    [InlineData(HttpStatusCode.BadRequest, """{ "error": { "code": 131056, "message": "Pair rate limit hit" } }""")]
    [InlineData(HttpStatusCode.TooManyRequests, "")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "<html>oops</html>")]
    public async Task RateLimitsAndOutages_AreRetriedLater(HttpStatusCode status, string body) =>
        Assert.IsType<SendOutcome.RetryLater>(await GraphApiError.ClassifyAsync(Response(status, body), CancellationToken.None));

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        var response = Response(HttpStatusCode.TooManyRequests, "");
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var outcome = Assert.IsType<SendOutcome.RetryLater>(await GraphApiError.ClassifyAsync(response, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), outcome.After);
    }

    [Fact]
    public async Task PermanentErrors_FailWithCodeSubcodeAndDetails()
    {
        var outcome = await GraphApiError.ClassifyAsync(Response(HttpStatusCode.BadRequest,
            """{ "error": { "code": 10, "error_subcode": 2018278, "message": "This message is sent outside of allowed window." } }"""), CancellationToken.None);

        var failed = Assert.IsType<SendOutcome.Failed>(outcome);
        Assert.Equal("10/2018278", failed.Code);
        Assert.Contains("outside of allowed window", failed.Reason);
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
