using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Omnichannel.Flows.Web.Hosting;

/// <summary>
/// Turns a request that cannot be read (malformed JSON, a wrong type, a missing body) into a 400 problem+json that says
/// what is wrong and where (a JSON pointer), instead of an empty 400 or a 500.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var json = badRequest.InnerException as JsonException;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = "The request could not be read",
                Detail = json?.Message ?? badRequest.Message,
                Extensions = { ["pointer"] = json?.Path is { } path ? ToPointer(path) : null },
            },
        });
    }

    private static string ToPointer(string jsonPath) =>
        "/" + string.Join('/', jsonPath.TrimStart('$').Split(['.', '['], StringSplitOptions.RemoveEmptyEntries).Select(part => part.TrimEnd(']').Trim('\'')));
}
