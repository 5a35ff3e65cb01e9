using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Bench.LoadGen;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Bench.BroadcastBench;

/// <summary>
/// Creates (migrates) the app's SQLite database and inserts the audience directly, through the app's own model: N
/// customers, each with a verified German mobile, a WhatsApp identity (never wrote: outside any service window) and the
/// bench tag — as an import leaves them — and one approved utility template. The app is not running meanwhile.
/// </summary>
internal static class SeedCommand
{
    private const int Batch = 5000;

    public static async Task<int> ExecuteAsync(Arguments arguments)
    {
        var file = Path.GetFullPath(arguments.Required("db"));
        var count = arguments.Int("contacts", 100_000);
        var tag = arguments.Required("tag");
        var templateName = arguments.Required("template");
        var began = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var options = new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options;
        await using (var db = new SqliteFlowsDbContext(options))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            await db.Database.MigrateAsync();
            var now = DateTime.UtcNow;
            db.MessageTemplates.Add(new MessageTemplate
            {
                Name = templateName,
                Language = "en_US",
                Category = TemplateCategory.Utility,
                Status = TemplateStatus.Approved,
                Quality = TemplateQuality.Green,
                BodyText = "Hello {{1}}, your order {{2}} is on its way.",
                BodyParameters = ["1", "2"],
                CreatedAt = now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync();
        }

        for (var start = 0; start < count; start += Batch)
        {
            await using var db = new SqliteFlowsDbContext(options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var now = DateTime.UtcNow;
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                db.Contacts.Add(Customer(i, tag, now));
            }

            await db.SaveChangesAsync();
        }

        Console.WriteLine($"Seeded {count:N0} customers tagged '{tag}' and template '{templateName}' in {Stopwatch.GetElapsedTime(began).TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>Customer <paramref name="i"/>: +49 151 9xxxxxxx (unique per i), first name Customer{i}.</summary>
    public static string PhoneOf(int i) => $"+491519{i:D7}";

    private static Contact Customer(int i, string tag, DateTime now)
    {
        var phone = PhoneOf(i);
        var contact = new Contact { DisplayName = $"Customer {i}", FirstName = $"Customer{i}", CreatedAt = now, UpdatedAt = now };
        contact.Phones.Add(new ContactPhone { Number = phone, MatchKey = phone, Verified = true, AddedAt = now });
        contact.Identities.Add(new ChannelIdentity { Channel = ChannelKind.WhatsApp, ExternalId = phone.TrimStart('+'), CreatedAt = now, LastSeenAt = now });
        contact.Tags.Add(new ContactTag { Tag = tag, AddedAt = now });
        return contact;
    }
}
