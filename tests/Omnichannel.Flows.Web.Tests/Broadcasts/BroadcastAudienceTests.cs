using System.Net.Http.Json;
using System.Text.Json;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Web.Tests.Infrastructure;
using Omnichannel.Flows.Web.Tests.ServiceWindows;

namespace Omnichannel.Flows.Web.Tests.Broadcasts;

/// <summary>Who a broadcast reaches, on which channel, with what text — and who it skips, and why.</summary>
public sealed class BroadcastAudienceTests(BroadcastAppFactory app) : IClassFixture<BroadcastAppFactory>
{
    [Fact]
    public async Task Preview_TagsFieldsAndReachability_CountOnlyTheMatchingCustomers()
    {
        var (vip, news) = (BroadcastSteps.NewTag(), BroadcastSteps.NewTag());
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [vip, news], Fields: new Dictionary<string, string> { ["plan"] = "pro" }));
        await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [vip], Fields: new Dictionary<string, string> { ["plan"] = "free" }));
        await app.CustomerAsync(new(Email: TestData.NewEmail(), Tags: [news]));
        await app.CustomerAsync(new(Tags: [vip, news]));
        var admin = await app.CreateAdminClientAsync();

        Assert.Equal(2, await CountAsync(admin, new { tags = new[] { vip, news } }));
        Assert.Equal(4, await CountAsync(admin, new { tags = new[] { vip, news }, tagMatch = "any" }));
        Assert.Equal(1, await CountAsync(admin, new { tags = new[] { vip }, fields = new[] { new { key = "plan", equals = "pro" } } }));
        Assert.Equal(2, await CountAsync(admin, new { tags = new[] { vip, news }, tagMatch = "any", reachableOn = new[] { "whatsapp" } }));
        Assert.Equal(3, await CountAsync(admin, new { tags = new[] { vip, news }, tagMatch = "any", reachableOn = new[] { "sms", "email" } }));
    }

    [Fact]
    public async Task Preview_EachCustomerGetsTheFirstUsableChannelOfThePriorityList_OrTheReasonTheyAreSkipped()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Hi {{1}}, news for you.", TemplateCategory.Marketing);
        var onWhatsApp = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], FirstName: "Wanda"));
        var emailOnly = await app.CustomerAsync(new(Email: TestData.NewEmail(), Tags: [tag], FirstName: "Emil"));
        var smsBecauseOptedOutOfWhatsApp = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], FirstName: "Sam"));
        var optedOut = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], FirstName: "Olga"));
        var unreachable = await app.CustomerAsync(new(Tags: [tag], FirstName: "Una"));
        await app.OptOutAsync(smsBecauseOptedOutOfWhatsApp, ChannelKind.WhatsApp);
        await app.OptOutAsync(optedOut, ChannelKind.WhatsApp, ChannelKind.Sms, ChannelKind.Email);
        var admin = await app.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/broadcasts/audience/preview", new
        {
            audience = new { tags = new[] { tag } },
            channels = new[] { "whatsapp", "sms", "email" },
            content = new Dictionary<string, object>
            {
                ["whatsapp"] = new { template = new { name = template.Name, language = template.Language }, parameters = new Dictionary<string, object> { ["1"] = new { field = "contact.first_name" } } },
                ["sms"] = new { text = "Hi {{contact.first_name}} (SMS)" },
                ["email"] = new { subject = "News", text = "Hi {{contact.first_name}} (email)" },
            },
            sampleSize = 10,
        });
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sample = preview.GetProperty("sample").EnumerateArray().ToDictionary(s => s.GetProperty("contactId").GetGuid());

        Assert.Equal(5, preview.GetProperty("count").GetInt32());
        Assert.Equal("whatsapp", sample[onWhatsApp].GetProperty("channel").GetString());
        Assert.Equal("Hi Wanda, news for you.", sample[onWhatsApp].GetProperty("text").GetString());
        Assert.Equal("email", sample[emailOnly].GetProperty("channel").GetString());
        Assert.Equal("sms", sample[smsBecauseOptedOutOfWhatsApp].GetProperty("channel").GetString());
        Assert.Equal("Hi Sam (SMS)", sample[smsBecauseOptedOutOfWhatsApp].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, sample[optedOut].GetProperty("channel").ValueKind);
        Assert.Equal(SkipReasons.OptedOut, sample[optedOut].GetProperty("skipReason").GetString());
        Assert.Equal(SkipReasons.Unreachable, sample[unreachable].GetProperty("skipReason").GetString());
    }

    [Fact]
    public async Task Start_SnapshotsOneRecipientPerCustomer_SendsToThoseAllowed_AndNeverMessagesTheOptedOut()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Hi {{1}}!", TemplateCategory.Marketing);
        var phones = Enumerable.Range(0, 3).Select(_ => TestData.NewGermanMobile()).ToList();
        var ids = new List<Guid>();
        foreach (var phone in phones)
        {
            ids.Add(await app.CustomerAsync(new(Phone: phone, Tags: [tag])));
        }

        var noWhatsApp = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag], OnWhatsApp: false));
        await app.OptOutAsync(ids[2], ChannelKind.WhatsApp);
        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template));

        await admin.StartBroadcastAsync(id);
        await app.WaitUntilCompletedAsync(id);

        var recipients = await app.RecipientsAsync(id);
        Assert.Equal(4, recipients.Count);
        Assert.Equal(4, recipients.Select(r => r.ContactId).Distinct().Count());
        Assert.All(recipients.Where(r => ids[..2].Contains(r.ContactId)), r => Assert.Equal((RecipientState.Sent, ChannelKind.WhatsApp), (r.State, r.Channel!.Value)));
        // A verified phone reaches WhatsApp on a derived identity, as a reply would.
        Assert.Equal(RecipientState.Sent, recipients.Single(r => r.ContactId == noWhatsApp).State);
        Assert.Equal((RecipientState.Skipped, SkipReasons.OptedOut), recipients.Where(r => r.ContactId == ids[2]).Select(r => (r.State, r.SkipReason)).Single());
        Assert.Empty(app.Provider.WhatsAppSendsTo(phones[2]));
        Assert.All(phones[..2], phone => Assert.Single(app.Provider.WhatsAppSendsTo(phone)));
        var progress = (await admin.BroadcastAsync(id)).GetProperty("progress");
        Assert.Equal(3, progress.GetProperty("sent").GetInt32());
        Assert.Equal(1, progress.GetProperty("skippedBecause").GetProperty(SkipReasons.OptedOut).GetInt32());
    }

    [Fact]
    public async Task TemplateParameters_FromProfileFieldsFallbacksAndLiterals_AreSentOnTheWire()
    {
        var tag = BroadcastSteps.NewTag();
        var template = await app.TemplateAsync("Hi {{1}}, your {{2}} plan renews. Code: {{3}}", TemplateCategory.Utility);
        var (anna, nameless) = (TestData.NewGermanMobile(), TestData.NewGermanMobile());
        await app.CustomerAsync(new(Phone: anna, Tags: [tag], FirstName: "Anna", Fields: new Dictionary<string, string> { ["plan"] = "Pro" }));
        await app.CustomerAsync(new(Phone: nameless, Tags: [tag], FirstName: null, Fields: new Dictionary<string, string> { ["plan"] = "Basic" }));
        app.Provider.AcceptWhatsAppSends();
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(BroadcastSteps.WhatsAppBroadcast(tag, template, new Dictionary<string, object>
        {
            ["1"] = new { field = "contact.first_name", fallback = "there" },
            ["2"] = new { field = "contact.fields.plan" },
            ["3"] = new { literal = "RENEW10" },
        }));

        await admin.StartBroadcastAsync(id);
        await app.WaitUntilCompletedAsync(id);

        Assert.Equal(["Anna", "Pro", "RENEW10"], Parameters(app.Provider.WhatsAppSendsTo(anna).Single()));
        Assert.Equal(["there", "Basic", "RENEW10"], Parameters(app.Provider.WhatsAppSendsTo(nameless).Single()));
        var sent = app.Provider.WhatsAppSendsTo(anna).Single();
        Assert.Equal(template.Name, sent.GetProperty("template").GetProperty("name").GetString());
        Assert.True(Guid.TryParse(sent.GetProperty("biz_opaque_callback_data").GetString(), out _));
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/contacts/{(await app.RecipientsAsync(id)).First().ContactId}/messages");
        Assert.Contains(thread.GetProperty("items").EnumerateArray(), m => m.GetProperty("origin").GetString() == "broadcast");
    }

    [Fact]
    public async Task TemplateNotApproved_FallsBackToTheNextChannel_OrSkipsWithTheReason()
    {
        var (tag, paused) = (BroadcastSteps.NewTag(), await app.TemplateAsync("Paused {{1}}", TemplateCategory.Marketing, TemplateStatus.Paused));
        var withEmail = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Email: TestData.NewEmail(), Tags: [tag]));
        var whatsAppOnly = await app.CustomerAsync(new(Phone: TestData.NewGermanMobile(), Tags: [tag]));
        var admin = await app.CreateAdminClientAsync();
        var id = await admin.CreateBroadcastAsync(new
        {
            name = "Paused template",
            audience = new { tags = new[] { tag } },
            channels = new[] { "whatsapp", "email" },
            content = new Dictionary<string, object>
            {
                ["whatsapp"] = new { template = new { name = paused.Name, language = paused.Language }, parameters = new Dictionary<string, object> { ["1"] = new { literal = "x" } } },
                ["email"] = new { subject = "Hello {{contact.first_name}}", text = "Hello by email" },
            },
        });

        await admin.StartBroadcastAsync(id);
        await app.WaitUntilCompletedAsync(id);

        var recipients = (await app.RecipientsAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal((ChannelKind.Email, RecipientState.Sent, "Hello Anna"), (recipients[withEmail].Channel!.Value, recipients[withEmail].State, recipients[withEmail].EmailSubject));
        Assert.Equal((RecipientState.Skipped, SkipReasons.NoApprovedTemplate), (recipients[whatsAppOnly].State, recipients[whatsAppOnly].SkipReason));
    }

    private static async Task<int> CountAsync(HttpClient admin, object audience)
    {
        var response = await admin.PostAsJsonAsync("/api/broadcasts/audience/preview", new { audience });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32();
    }

    private static string?[] Parameters(JsonElement send) =>
        [.. send.GetProperty("template").GetProperty("components")[0].GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString())];
}
