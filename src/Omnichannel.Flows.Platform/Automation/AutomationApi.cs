using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Validation;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

/// <summary>Start a published flow for a contact by hand.</summary>
public sealed record StartFlowRequest(Guid? ContactId, JsonElement? Payload);

/// <summary>
/// Flows and their runs: everyone signed in reads them (the designer's schema and activity catalog too); admins and
/// marketing import, edit, publish, disable, start, retry and cancel. Invalid documents answer 400 problem+json with
/// an <c>errors</c> array of <c>{ path, message, node }</c> (JSON pointers into the submitted document, and the id of
/// the node a pointer is in); nothing is saved. A flow's <c>ETag</c> is its revision: a save or publish sent with it as
/// <c>If-Match</c> answers 412 if the flow was saved since, and saves colliding at the same moment answer 409.
/// </summary>
public static class AutomationApi
{
    public static IEndpointRouteBuilder MapAutomationApi(this IEndpointRouteBuilder app)
    {
        var flows = app.MapGroup("/api/flows").WithTags("Automation");
        flows.MapGet("/", ListAsync);
        flows.MapGet("/schema", (FlowSchema schema) => Results.Text(schema.Text, "application/schema+json", Encoding.UTF8));
        flows.MapGet("/{id}", GetAsync);
        flows.MapGet("/{id}/export", ExportAsync);
        flows.MapGet("/{id}/runs", ListRunsAsync);
        var edit = flows.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        edit.MapPost("/", (HttpRequest request, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken ct) =>
            ImportAsync(request, false, definitions, user, ct)).Accepts<JsonElement>("application/json");
        edit.MapPost("/import", (HttpRequest request, bool? publish, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken ct) =>
            ImportAsync(request, publish ?? false, definitions, user, ct)).Accepts<JsonElement>("application/json");
        edit.MapPut("/{id}", SaveDraftAsync).Accepts<JsonElement>("application/json");
        edit.MapPost("/{id}/publish", PublishAsync);
        edit.MapPost("/{id}/disable", DisableAsync);
        edit.MapPost("/{id}/start", StartAsync);
        edit.MapPost("/{id}/runs/retry", RetryFaultedAsync);

        app.MapGet("/api/activities", (ActivityRegistry registry) => Results.Json(registry.Descriptors, JsonSerializerOptions.Web)).WithTags("Automation");

        var runs = app.MapGroup("/api/flow-runs").WithTags("Automation");
        runs.MapGet("/{runId}", GetRunAsync);
        runs.MapPost("/{runId}/retry", RetryAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        runs.MapPost("/{runId}/cancel", CancelAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));

        app.MapGet("/api/contacts/{contactId:guid}/flow-runs", ListContactRunsAsync).WithTags("Automation");
        return app;
    }

    /// <summary>400 problem+json listing every error of a submitted flow.</summary>
    public static IResult Invalid(IReadOnlyList<FlowValidationError> errors) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The flow is not valid",
        detail: errors.Count == 1 ? $"{Where(errors[0])}{errors[0].Message}" : $"{errors.Count} problems; see errors.",
        extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static string Where(FlowValidationError error) => error.Path.Length == 0 ? "" : $"{error.Path}: ";

    private static async Task<IResult> ListAsync(FlowDefinitionQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await queries.ListAsync(cancellationToken) });

    /// <summary>The flow, its versions and its latest document; the <c>ETag</c> is its revision, for <c>If-Match</c> on a save.</summary>
    private static async Task<IResult> GetAsync(string id, HttpResponse response, FlowDefinitionQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.GetAsync(id, cancellationToken) is not { } flow)
        {
            return ApiProblems.NotFound($"No flow '{id}'.");
        }

        response.Headers.ETag = flow.Revision;
        return TypedResults.Ok(flow);
    }

    private static async Task<IResult> ExportAsync(string id, int? version, FlowDefinitions definitions, CancellationToken cancellationToken) =>
        await definitions.ExportAsync(id, version, cancellationToken) is { } json
            ? Results.Text(json, "application/json", Encoding.UTF8)
            : ApiProblems.NotFound(version is null ? $"No flow '{id}'." : $"Flow '{id}' has no version {version}.");

    private static async Task<IResult> ImportAsync(HttpRequest request, bool publish, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (saved, problem) = await definitions.ImportAsync(await ReadBodyAsync(request, cancellationToken), publish, user.Name(), cancellationToken);
        return Answer(request.HttpContext.Response, saved, problem,
            flow => TypedResults.Created($"/api/flows/{flow.Id}", new { id = flow.Id, version = flow.Version }));
    }

    /// <summary>PUT: saves the draft; with <c>If-Match</c> (the revision read), only if nobody saved the flow since (else 412).</summary>
    private static async Task<IResult> SaveDraftAsync(string id, HttpRequest request, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (saved, problem) = await definitions.SaveDraftAsync(
            id, await ReadBodyAsync(request, cancellationToken), user.Name(), cancellationToken, basedOn: IfMatch(request));
        return Answer(request.HttpContext.Response, saved, problem, flow => TypedResults.Ok(new { id = flow.Id, version = flow.Version }));
    }

    /// <summary>Publishes a version (default: the latest); with <c>If-Match</c>, only if nobody saved the flow since the revision read.</summary>
    private static async Task<IResult> PublishAsync(
        string id, int? version, HttpRequest request, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (saved, problem) = await definitions.PublishAsync(id, version, user.Name(), cancellationToken, basedOn: IfMatch(request));
        return Answer(request.HttpContext.Response, saved, problem, flow => TypedResults.Ok(new { id = flow.Id, version = flow.Version }));
    }

    private static string? IfMatch(HttpRequest request) => request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString();

    /// <summary>
    /// A save's or publish's answer: <paramref name="success"/> with the flow's new revision as the <c>ETag</c>; else 404,
    /// 409 (another save at the same moment), 412 (saved since the <c>If-Match</c> revision; the current one is in
    /// <c>currentRevision</c>) or 400 with the document's errors.
    /// </summary>
    private static IResult Answer(HttpResponse response, FlowSaved? saved, FlowSaveProblem? problem, Func<FlowSaved, IResult> success)
    {
        if (saved is not null)
        {
            response.Headers.ETag = saved.Revision;
            return success(saved);
        }

        return problem!.Failure switch
        {
            FlowSaveFailure.NotFound => ApiProblems.NotFound(problem.Message),
            FlowSaveFailure.Conflict => ApiProblems.Conflict("Saved by someone else at the same time", problem.Message, problem.Errors[0].Path),
            FlowSaveFailure.Stale => Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The flow changed since you read it",
                detail: problem.Message, extensions: new Dictionary<string, object?> { ["currentRevision"] = problem.CurrentRevision }),
            _ => Invalid(problem.Errors),
        };
    }

    /// <summary>Disables the flow at once; its active runs are cancelled in the background: 202 with how many.</summary>
    private static async Task<IResult> DisableAsync(string id, FlowDefinitions definitions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await definitions.DisableAsync(id, user.Name(), cancellationToken) is { } active
            ? TypedResults.Accepted($"/api/flows/{id}/runs", new { runs = active })
            : ApiProblems.NotFound($"No flow '{id}'.");

    private static async Task<IResult> StartAsync(
        string id, StartFlowRequest request, ManualRunStarts starts, FlowDefinitionQueries queries, CancellationToken cancellationToken)
    {
        var start = await starts.StartAsync(id, request.ContactId, request.Payload, cancellationToken);
        if (start.Outcome == ManualStartOutcome.NotLive && (await queries.GetVersionsAsync(id, cancellationToken)).Count == 0)
        {
            return ApiProblems.NotFound($"No flow '{id}'.");
        }

        return start.Outcome switch
        {
            ManualStartOutcome.Started => TypedResults.Accepted($"/api/flow-runs/{start.Run!.Id}", new { runId = start.Run.Id, status = start.Run.Status, contactId = start.ContactId }),
            ManualStartOutcome.NotLive => ApiProblems.Conflict("The flow is not live", $"Flow '{id}' is not published, or it is disabled."),
            ManualStartOutcome.NoManualTrigger => ApiProblems.Conflict("No manual trigger", $"Flow '{id}' has no {TriggerTypes.Manual} node to start from."),
            ManualStartOutcome.NoSuchContact => ApiProblems.Invalid("contactId", $"No contact {request.ContactId}."),
            ManualStartOutcome.PayloadNotAnObject => ApiProblems.Invalid("payload", ManualRunStarts.PayloadMessage),
            ManualStartOutcome.AlreadyRunning => ApiProblems.Conflict("Not started", ManualRunStarts.AlreadyRunningMessage),
            _ => ApiProblems.Conflict("Not started", $"The flow did not start ({start.Engine})."),
        };
    }

    /// <summary>
    /// A page of the flow's runs, newest first (<c>limit</c>, 1–200, default 50), optionally only those in one
    /// <c>status</c> or about one <c>contactId</c>; <c>next</c> is the <c>before</c> of the following page (null on the last).
    /// </summary>
    private static IResult? LimitProblem(int? limit) => limit is < 1 or > FlowRunQueries.MaxPageSize
        ? ApiProblems.Invalid("limit", $"limit must be between 1 and {FlowRunQueries.MaxPageSize}.")
        : null;

    /// <summary>The contact's newest runs of any flow (<c>limit</c>, 1–200, default 50), those of profiles merged into it included.</summary>
    private static async Task<IResult> ListContactRunsAsync(Guid contactId, int? limit, FlowRunQueries queries, CancellationToken cancellationToken)
    {
        if (LimitProblem(limit) is { } problem)
        {
            return problem;
        }

        return await queries.ForContactAsync(contactId, limit ?? FlowRunQueries.DefaultPageSize, cancellationToken) is { } items
            ? TypedResults.Ok(new { items })
            : ApiProblems.NotFound($"No contact {contactId}.");
    }

    private static async Task<IResult> ListRunsAsync(string id, string? status, Guid? contactId, string? before, int? limit,
        FlowRunQueries queries, CancellationToken cancellationToken)
    {
        if (LimitProblem(limit) is { } problem)
        {
            return problem;
        }

        FlowStatus? only = null;
        if (status is not null)
        {
            if (!EnumNames.TryParse<FlowStatus>(status, out var parsed))
            {
                return ApiProblems.Invalid("status", $"status is {EnumNames.Choices<FlowStatus>()}.");
            }

            only = parsed;
        }

        FlowRunCursor? after = null;
        if (before is not null && !FlowRunCursor.TryDecode(before, out after))
        {
            return ApiProblems.Invalid("before", "before must be the 'next' of an earlier page of this list.");
        }

        return await queries.ListAsync(id, new FlowRunFilter(only, contactId), after, limit ?? FlowRunQueries.DefaultPageSize, cancellationToken)
            is { } page
            ? TypedResults.Ok(page)
            : ApiProblems.NotFound($"No flow '{id}'.");
    }

    private static async Task<IResult> GetRunAsync(string runId, FlowRunQueries queries, CancellationToken cancellationToken) =>
        await queries.GetAsync(runId, cancellationToken) is { } run ? TypedResults.Ok(run) : ApiProblems.NotFound($"No flow run '{runId}'.");

    private static async Task<IResult> RetryAsync(string runId, FlowRunActions actions, FlowRunQueries queries, CancellationToken cancellationToken) =>
        await actions.RetryAsync(runId, cancellationToken) switch
        {
            (FlowRunActionOutcome.NotFound, _) => ApiProblems.NotFound($"No flow run '{runId}'."),
            (FlowRunActionOutcome.NotFaulted, var status) => ApiProblems.Conflict("Not faulted", $"Only a faulted run can be retried; this one is {status}."),
            _ => TypedResults.Ok(await queries.GetAsync(runId, cancellationToken)),
        };

    /// <summary>Retries every faulted run of the flow (of one contact, if given) in the background: 202 with how many.</summary>
    private static async Task<IResult> RetryFaultedAsync(string id, Guid? contactId, FaultedRunRetries retries, CancellationToken cancellationToken) =>
        await retries.RequestAsync(id, contactId, cancellationToken) is { } faulted
            ? TypedResults.Accepted($"/api/flows/{id}/runs?status=faulted", new { runs = faulted })
            : ApiProblems.NotFound($"No flow '{id}'.");

    private static async Task<IResult> CancelAsync(string runId, FlowRunActions actions, FlowRunQueries queries, CancellationToken cancellationToken) =>
        await actions.CancelAsync(runId, cancellationToken) switch
        {
            (FlowRunActionOutcome.NotFound, _) => ApiProblems.NotFound($"No flow run '{runId}'."),
            (FlowRunActionOutcome.AlreadyOver, var status) => ApiProblems.Conflict("Already over", $"The run is {status}."),
            _ => TypedResults.Ok(await queries.GetAsync(runId, cancellationToken)),
        };

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
