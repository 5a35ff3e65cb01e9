using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

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
    private static async Task<IResult> TemplateCostAsync(
        string name, Guid? contactId, string? language, FlowsDbContext db, ContactQueries contacts, RecipientResolver recipients,
        ServiceWindowPolicy windows, CostEstimator costs, TimeProvider time, CancellationToken cancellationToken)
    {
        if (contactId is null)
        {
            return ApiProblems.Invalid("contactId", "contactId is required: the cost depends on the recipient's market and window.");
        }

        var templates = await db.MessageTemplates.AsNoTracking()
            .Where(t => t.Channel == ChannelKind.WhatsApp && t.Name == name && (language == null || t.Language == language))
            .ToListAsync(cancellationToken);
        if (templates.Count == 0)
        {
            return ApiProblems.NotFound($"No WhatsApp template '{name}'{(language is null ? "" : $" in '{language}'")}.");
        }

        if (templates.Select(t => t.Category).Distinct().Count() > 1)
        {
            return ApiProblems.Invalid("language", $"'{name}' exists in several languages with different categories; name the language.");
        }

        if (await contacts.ResolveSurvivorAsync(contactId.Value, cancellationToken) is not { } survivor)
        {
            return ApiProblems.NotFound("No such contact.");
        }

        var identity = await recipients.ResolveAsync(db, survivor, ChannelKind.WhatsApp, cancellationToken);
        if (identity is null)
        {
            return ApiProblems.Unprocessable("Not on WhatsApp", "The contact cannot be reached on WhatsApp: no WhatsApp id or verified phone.", "/contactId");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var window = windows.Evaluate(ChannelKind.WhatsApp, identity.LastInboundAt, identity.LastInboundFromFreeEntryPoint, now);
        var estimate = await costs.EstimateAsync(templates[0].Category, "+" + identity.ExternalId, window, now, cancellationToken);
        return TypedResults.Ok(CostView.From(estimate));
    }

    private static async Task<IResult> ListAsync(RateCardStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await store.AllAsync(CostEstimator.Channel, cancellationToken) });

    private static async Task<IResult> CurrentAsync(RateCardStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.CurrentAsync(CostEstimator.Channel, time.GetUtcNow().UtcDateTime, cancellationToken));

    /// <summary>Uploads a dated rate card; from its date on, estimates use it. The body is a whole card (see the shipped one).</summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, FlowsDbContext db, ClaimsPrincipal user, TimeProvider time, CancellationToken cancellationToken)
    {
        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }

        RateCard? card;
        try
        {
            card = RateCardStore.Parse(json);
        }
        catch (JsonException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a rate card", detail: exception.Message,
                extensions: new Dictionary<string, object?> { ["pointer"] = exception.Path is { } path ? "/" + path.TrimStart('$', '.').Replace('.', '/') : "" });
        }

        var problems = card.Problems().ToList();
        if (card.Channel != CostEstimator.Channel)
        {
            problems.Insert(0, ("/channel", $"This endpoint takes {CostEstimator.Channel} rate cards."));
        }

        if (problems.Count > 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid rate card", detail: problems[0].Message,
                extensions: new Dictionary<string, object?> { ["errors"] = problems.Select(p => new { path = p.Pointer, message = p.Message }) });
        }

        db.RateCardVersions.Add(new RateCardVersion
        {
            Channel = card.Channel,
            EffectiveFrom = card.EffectiveFrom,
            Card = JsonSerializer.Serialize(card, RateCard.Json),
            UploadedByUserId = user.Id(),
            UploadedAt = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created("/api/pricing/whatsapp/rate-cards", card);
    }
}
