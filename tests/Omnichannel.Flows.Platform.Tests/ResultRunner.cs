using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Tests;

/// <summary>Executes an endpoint result against a bare HTTP context to see what a client would get.</summary>
internal static class ResultRunner
{
    public static async Task<(int Status, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
