using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Components.Simulator;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

/// <summary>The simulator on an install whose WhatsApp simulator signs with the wrong secret: the refusal must be visible.</summary>
public sealed class SimulatorPageRejectionTests(SimulatorAppFactory app)
    : ComponentTest(app, services => services.AddSingleton(new CustomerSimulator(
        [new WrongSecretWhatsAppSimulator(app.Clock)], app.Services.GetRequiredService<IHttpClientFactory>(),
        app.Services.GetRequiredService<PhoneNumberNormalizer>(), Options.Create(new SimulatorOptions { Enabled = true }),
        NullLogger<CustomerSimulator>.Instance))),
    IClassFixture<SimulatorAppFactory>
{
    [Fact]
    public async Task Send_WhenTheWebhookRejectsTheSignature_ShowsTheWebhooksAnswerAndNoProfile()
    {
        var cut = Render<SimulatorPage>();
        Type(cut, "sim-customer-id", TestData.NewGermanMobile());
        Type(cut, "sim-text", "Hello?");

        await cut.Find("[data-testid=sim-send]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            var answer = cut.Find("[data-testid=sim-webhook-answer]").TextContent;
            Assert.Contains("answered 401", answer);
            Assert.Contains("Invalid signature", answer);
        }, TimeSpan.FromSeconds(15));
        Assert.Empty(cut.FindAll("[data-testid=sim-profile]"));
        Assert.Empty(cut.FindAll("[data-testid=sim-waiting]"));
        Assert.Equal("Hello?", cut.Find("#sim-text").GetAttribute("value")); // kept, to send again once fixed
    }

    private sealed class WrongSecretWhatsAppSimulator(TimeProvider time) : IChannelSimulator
    {
        public ChannelKind Channel => ChannelKind.WhatsApp;

        public string CustomerIdLabel => "Phone number";

        public string CustomerIdExample => "+49 151 23456789";

        public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
        {
            var body = WhatsAppPayloads.Text(ExternalIdOf(message), $"wamid.{Guid.NewGuid():N}", time.GetUtcNow(), message.Text);
            using var response = await self.PostMetaAsync("webhooks/whatsapp", body, appSecret: "not-the-configured-secret");
            return new SimulationResult((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        public string ExternalIdOf(SimulatedMessage message) => message.CustomerId.TrimStart('+');
    }
}
