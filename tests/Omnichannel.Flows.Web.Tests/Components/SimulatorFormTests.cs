using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Components.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class SimulatorFormTests : ComponentTest, IClassFixture<FlowsAppFactory>
{
    private readonly List<SimulationRequest> submitted = [];

    public SimulatorFormTests(FlowsAppFactory app) : base(app, services => services.AddSingleton(SimulatorWithEveryKindOfField(app)))
    {
    }

    [Fact]
    public void Send_WithEmptyFields_ShowsWhatIsMissingAndSendsNothing()
    {
        var cut = RenderForm();

        cut.Find("[data-testid=sim-send]").Click();

        Assert.Contains("Phone number is required.", FieldText(cut, "sim-customer-id"));
        Assert.Contains("Write what the customer says.", FieldText(cut, "sim-text"));
        Assert.Empty(submitted);
    }

    [Fact]
    public void Send_WithSomethingThatIsNoPhoneNumber_ShowsTheChannelsExample()
    {
        var cut = RenderForm();
        Type(cut, "sim-customer-id", "call me maybe");
        Type(cut, "sim-text", "Hello");

        cut.Find("[data-testid=sim-send]").Click();

        Assert.Contains("Not a valid phone number (for example +49 151 23456789).", FieldText(cut, "sim-customer-id"));
        Assert.Empty(submitted);
    }

    [Fact]
    public void Send_WithValidInput_SubmitsTheCustomersMessageAndClearsTheText()
    {
        var cut = RenderForm();
        Assert.Contains("Phone number", FieldText(cut, "sim-customer-id"));
        Type(cut, "sim-customer-id", "+49 151 11112222");
        Type(cut, "sim-display-name", "Jana Kunde");
        Type(cut, "sim-text", "Is my order on its way?");

        cut.Find("[data-testid=sim-send]").Click();

        var request = Assert.Single(submitted);
        Assert.Equal(ChannelKind.WhatsApp, request.Channel);
        Assert.Equal("+49 151 11112222", request.Message.CustomerId);
        Assert.Equal("Jana Kunde", request.Message.DisplayName);
        Assert.Equal("Is my order on its way?", request.Message.Text);
        Assert.Equal("", cut.Find("#sim-text").GetAttribute("value") ?? "");
        Assert.Equal("+49 151 11112222", cut.Find("#sim-customer-id").GetAttribute("value"));
    }

    [Theory]
    [InlineData("WhatsApp", new string[0], new[] { "sim-subject", "sim-shared-phone", "sim-claimed-email" })]
    [InlineData("Email", new[] { "sim-subject" }, new[] { "sim-shared-phone", "sim-claimed-email" })]
    [InlineData("Telegram", new[] { "sim-shared-phone" }, new[] { "sim-subject", "sim-claimed-email" })]
    [InlineData("Web chat", new[] { "sim-claimed-email" }, new[] { "sim-subject", "sim-shared-phone" })]
    public async Task ChoosingAChannel_ShowsOnlyThatChannelsExtraFields(string channel, string[] shown, string[] hidden)
    {
        var popovers = Render<MudPopoverProvider>();
        var cut = RenderForm();

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<ChannelKind>>().Instance.OpenMenu());
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-list-item")));
        popovers.FindAll(".mud-list-item").Single(item => item.TextContent.Trim() == channel).Click();

        cut.WaitForAssertion(() =>
        {
            Assert.All(shown, id => Assert.NotNull(cut.Find($"#{id}")));
            Assert.All(hidden, id => Assert.Empty(cut.FindAll($"#{id}")));
        });
        Assert.Equal(channel == "Web chat", cut.FindAll("[data-testid=sim-vouched]").Count == 1);
    }

    [Fact]
    public async Task Send_OnWebChat_CarriesTheClaimedEmailAndTheVouchedSwitch()
    {
        var popovers = Render<MudPopoverProvider>();
        var cut = RenderForm();
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<ChannelKind>>().Instance.OpenMenu());
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-list-item").Single(item => item.TextContent.Trim() == "Web chat").Click());

        Type(cut, "sim-customer-id", "visitor-42");
        Type(cut, "sim-claimed-email", "Jana@Example.com");
        cut.Find("input[data-testid=sim-vouched]").Change(true);
        Type(cut, "sim-text", "Hi from the website");
        cut.Find("[data-testid=sim-send]").Click();

        var request = Assert.Single(submitted);
        Assert.Equal(ChannelKind.WebChat, request.Channel);
        Assert.Equal("Jana@Example.com", request.Message.ClaimedEmail);
        Assert.True(request.Message.Vouched);
        Assert.Null(request.Message.Subject);
    }

    // Every channel's real simulator: the form must serve each of them, with each one's extra fields.
    private static CustomerSimulator SimulatorWithEveryKindOfField(FlowsAppFactory app) => new(
        [.. app.Services.GetServices<IChannelSimulator>()],
        app.Services.GetRequiredService<IHttpClientFactory>(), app.Services.GetRequiredService<PhoneNumberNormalizer>(),
        Options.Create(new SimulatorOptions { Enabled = true }), NullLogger<CustomerSimulator>.Instance);

    private IRenderedComponent<SimulatorForm> RenderForm() =>
        Render<SimulatorForm>(parameters => parameters.Add(p => p.OnSend, request =>
        {
            submitted.Add(request);
            return Task.FromResult(true);
        }));
}
