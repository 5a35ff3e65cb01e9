using Bunit;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Components.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class SimulatorPageTests(SimulatorAppFactory app) : ComponentTest(app), IClassFixture<SimulatorAppFactory>
{
    private static readonly TimeSpan Processing = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Send_ThroughTheRealWebhook_ShowsTheProfileAndThenTheAgentsReplyAsReceived()
    {
        var phone = TestData.NewGermanMobile();
        var cut = Render<SimulatorPage>();
        Type(cut, "sim-customer-id", phone);
        Type(cut, "sim-display-name", "Jana Kunde");
        Type(cut, "sim-text", "Where is my parcel?");

        cut.Find("[data-testid=sim-send]").Click();

        cut.WaitForAssertion(() => Assert.Contains("answered 200", cut.Find("[data-testid=sim-webhook-answer]").TextContent), Processing);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Jana Kunde", cut.Find("[data-testid=sim-profile-name]").TextContent.Trim());
            Assert.Contains(phone, cut.Find("[data-testid=sim-profile]").TextContent);
            Assert.Contains($"WhatsApp: {phone.TrimStart('+')}", cut.Find("[data-testid=sim-profile]").TextContent);
            var sent = Assert.Single(cut.FindAll("[data-testid=sim-message]"));
            Assert.Contains("Where is my parcel?", sent.TextContent);
        }, Processing);

        await using (var db = await App.CreateDbContextAsync())
        {
            Assert.True(await db.Messages.AnyAsync(m => m.Text == "Where is my parcel?" && m.Channel == ChannelKind.WhatsApp));
        }

        var contactId = await ContactIdOfAsync(phone);
        App.Provider.AcceptWhatsAppSends();
        var admin = await App.CreateAdminClientAsync();
        await admin.AgentRepliesAsync(contactId, "It arrives tomorrow.");

        cut.WaitForAssertion(() =>
        {
            var reply = cut.FindAll("[data-testid=sim-message]").Single(m => m.TextContent.Contains("It arrives tomorrow.", StringComparison.Ordinal));
            Assert.Equal("received", reply.QuerySelector("[data-testid=sim-message-side]")!.TextContent.Trim());
        }, Processing);
    }

    private async Task<Guid> ContactIdOfAsync(string phone)
    {
        await using var db = await App.CreateDbContextAsync();
        return await db.ContactPhones.Where(p => p.Number == phone).Select(p => p.ContactId).SingleAsync();
    }
}
