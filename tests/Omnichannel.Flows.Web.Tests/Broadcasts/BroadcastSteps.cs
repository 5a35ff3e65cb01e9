using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <param name="WroteAt">When the customer last wrote on WhatsApp (their service window's start); null: never.</param>
public sealed record CustomerSeed(
    string? Phone = null, string? Email = null, IReadOnlyList<string>? Tags = null, IReadOnlyDictionary<string, string>? Fields = null,
    string? FirstName = "Anna", string? TimeZone = null, DateTime? WroteAt = null, bool OnWhatsApp = true);

/// <summary>Steps broadcast tests take: customers as an import would leave them, a broadcast created and started through the API.</summary>
public static class BroadcastSteps
{
    public static string NewTag() => $"t-{Guid.NewGuid():N}";

    /// <summary>A customer stored directly (as after an import): verified phone and WhatsApp identity, email, tags, fields.</summary>
    public static async Task<Guid> CustomerAsync(this FlowsAppFactory app, CustomerSeed seed)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var contact = new Contact
        {
            DisplayName = seed.FirstName ?? seed.Phone ?? seed.Email ?? "Customer",
            FirstName = seed.FirstName,
            TimeZone = seed.TimeZone,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (seed.Phone is { } phone)
        {
            contact.Phones.Add(new ContactPhone { Number = phone, MatchKey = phone, Verified = true, AddedAt = now });
            if (seed.OnWhatsApp)
            {
                contact.Identities.Add(new ChannelIdentity
                {
                    Channel = ChannelKind.WhatsApp, ExternalId = phone.TrimStart('+'), CreatedAt = now, LastSeenAt = now, LastInboundAt = seed.WroteAt,
                });
            }
        }

        if (seed.Email is { } email)
        {
            contact.Emails.Add(new ContactEmail { Address = email, Verified = true, AddedAt = now });
        }

        contact.Tags.AddRange((seed.Tags ?? []).Select(t => new ContactTag { Tag = t, AddedAt = now }));
        contact.Fields.AddRange((seed.Fields ?? new Dictionary<string, string>()).Select(f => new ContactField { Key = f.Key, Value = f.Value }));
        await using var db = await app.CreateDbContextAsync();
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact.Id;
    }

    /// <summary>A broadcast to everyone tagged <paramref name="tag"/> on WhatsApp with <paramref name="template"/> (its placeholders from literals).</summary>
    public static object WhatsAppBroadcast(string tag, Platform.Templates.MessageTemplate template, object? parameters = null, object? quietHours = null) => new
    {
        name = $"Broadcast {tag}",
        audience = new { tags = new[] { tag } },
        channels = new[] { "whatsapp" },
        content = new Dictionary<string, object>
        {
            ["whatsapp"] = new
            {
                template = new { name = template.Name, language = template.Language },
                parameters = parameters ?? template.BodyParameters.ToDictionary(p => p, p => new { literal = $"value-{p}" }),
            },
        },
        quietHours,
    };

    public static async Task<Guid> CreateBroadcastAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/broadcasts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> EstimateAsync(this HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/broadcasts/{id}/estimate");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Looks at the estimate and schedules the broadcast for now with its total, as a marketer confirms it.</summary>
    public static async Task StartBroadcastAsync(this HttpClient client, Guid id)
    {
        var estimate = await client.EstimateAsync(id);
        var response = await client.PostAsJsonAsync($"/api/broadcasts/{id}/schedule", new { confirmTotal = estimate.GetProperty("total").GetDecimal() });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonElement> BroadcastAsync(this HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/broadcasts/{id}");

    /// <summary>Waits until the stored broadcast satisfies <paramref name="condition"/> (checked whenever it moves, and every 250 ms).</summary>
    public static async Task<Broadcast> WaitForBroadcastAsync(this FlowsAppFactory app, Guid id, Func<Broadcast, bool> condition, TimeSpan? timeout = null)
    {
        using var moved = new SemaphoreSlim(0);
        var activity = app.Services.GetRequiredService<BroadcastActivity>();
        void OnMoved(Guid changed)
        {
            if (changed == id)
            {
                moved.Release();
            }
        }

        activity.Changed += OnMoved;
        try
        {
            using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
            while (true)
            {
                await using (var db = await app.CreateDbContextAsync())
                {
                    var broadcast = await db.Broadcasts.AsNoTracking().FirstAsync(b => b.Id == id, cancellation.Token);
                    if (condition(broadcast))
                    {
                        return broadcast;
                    }
                }

                try
                {
                    await moved.WaitAsync(TimeSpan.FromMilliseconds(250), cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"Broadcast {id} did not reach the expected state in time.");
                }
            }
        }
        finally
        {
            activity.Changed -= OnMoved;
        }
    }

    /// <summary>An agent records that the customer wants no messages at all on <paramref name="channels"/>.</summary>
    public static async Task OptOutAsync(this FlowsAppFactory app, Guid contactId, params ChannelKind[] channels)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<ConsentLedger>();
        foreach (var channel in channels)
        {
            await ledger.RecordAsync(db, new ConsentEntry(contactId, channel, ConsentScope.All, OptedIn: false, ConsentSource.Agent), CancellationToken.None);
        }

        await db.SaveChangesAsync();
    }

    public static Task<Broadcast> WaitUntilCompletedAsync(this FlowsAppFactory app, Guid id) =>
        app.WaitForBroadcastAsync(id, b => b.State == BroadcastState.Completed);

    public static async Task<List<BroadcastRecipient>> RecipientsAsync(this FlowsAppFactory app, Guid broadcastId)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.BroadcastRecipients.AsNoTracking().Where(r => r.BroadcastId == broadcastId).ToListAsync();
    }

    public static async Task<HttpClient> CreateUserClientAsync(this FlowsAppFactory app, string role)
    {
        var admin = await app.CreateAdminClientAsync();
        var email = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email, password = "User-Pa55word!", roles = new[] { role } })).EnsureSuccessStatusCode();
        return await app.CreateClientForAsync(email, "User-Pa55word!");
    }
}
