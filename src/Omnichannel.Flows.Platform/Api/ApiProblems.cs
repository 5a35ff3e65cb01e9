using Microsoft.AspNetCore.Http;

namespace Omnichannel.Flows.Platform.Api;

/// <summary>problem+json answers that say what went wrong and where (a JSON pointer or field name).</summary>
public static class ApiProblems
{
    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    /// <summary>404 for a missing thing, 400 with the field for a value that is not allowed.</summary>
    public static IResult From(Refusal refusal) =>
        refusal.NotFound ? NotFound(refusal.Problem) : Invalid(refusal.Field ?? "", refusal.Problem);

    public static IResult Conflict(string title, string detail, string? pointer = null, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
        if (pointer is not null)
        {
            all["pointer"] = pointer;
        }

        return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, extensions: all);
    }

    public static IResult Unprocessable(string title, string detail, string pointer) =>
        Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["pointer"] = pointer });
}
