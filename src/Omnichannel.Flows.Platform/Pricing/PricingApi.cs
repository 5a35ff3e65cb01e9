using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Pricing;

/// <summary>Cost before send, and the rate cards behind it (readable by everyone, uploaded by admins).</summary>
public static class PricingApi
{
    public static IEndpointRouteBuilder MapPricingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/templates/{name}/cost", TemplateCostAsync).WithTags("Pricing");
        var cards = app.MapGroup("/api/pricing/whatsapp/rate-cards").WithTags("Pricing");
        cards.MapGet("/", ListAsync);
        cards.MapGet("/current", CurrentAsync);
        cards.MapPut("/", UploadAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        return app;
    }

    /// <summary>What sending the template to this contact would cost now: <c>{ category, market, amount, currency, free, reason }</c>.</summary>
    private static async Task<IResult> TemplateCostAsync(string name, Guid? contactId, string? language, TemplateCosts costs, CancellationToken cancellationToken)
    {
        if (contactId is null)
        {
            return ApiProblems.Invalid("contactId", "contactId is required: the cost depends on the recipient's market and window.");
        }

        var quote = await costs.QuoteAsync(name, language, contactId.Value, cancellationToken);
        return quote switch
        {
            { Cost: { } cost } => TypedResults.Ok(cost),
            { Refusal: TemplateCostRefusal.AmbiguousLanguage } => ApiProblems.Invalid("language", quote.Detail!),
            { Refusal: TemplateCostRefusal.NotOnWhatsApp } => ApiProblems.Unprocessable("Not on WhatsApp", quote.Detail!, "/contactId"),
            _ => ApiProblems.NotFound(quote.Detail!),
        };
    }

    private static async Task<IResult> ListAsync(RateCardStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await store.AllAsync(CostEstimator.Channel, cancellationToken) });

    private static async Task<IResult> CurrentAsync(RateCardStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.CurrentAsync(CostEstimator.Channel, time.GetUtcNow().UtcDateTime, cancellationToken));

    /// <summary>Uploads a dated rate card; from its date on, estimates use it. The body is a whole card (see the shipped one).</summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, RateCardUploads uploads, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }

        var result = await uploads.UploadAsync(json, user.Id(), cancellationToken);
        return result switch
        {
            { Card: { } card } => TypedResults.Created("/api/pricing/whatsapp/rate-cards", card),
            { NotACard: true } => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a rate card", detail: result.Problems[0].Message,
                extensions: new Dictionary<string, object?> { ["pointer"] = result.Problems[0].Pointer }),
            _ => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid rate card", detail: result.Problems[0].Message,
                extensions: new Dictionary<string, object?> { ["errors"] = result.Problems.Select(p => new { path = p.Pointer, message = p.Message }) }),
        };
    }
}
