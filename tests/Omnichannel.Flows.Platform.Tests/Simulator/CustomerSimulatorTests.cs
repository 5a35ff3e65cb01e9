using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Tests.Simulator;

public sealed class CustomerSimulatorTests
{
    private static readonly Uri BrowserBase = new("http://browser.example:5080/");
    private readonly RecordingSimulator whatsApp = new();

    [Fact]
    public void Validate_EmptyCustomerAndText_NamesBothFieldsInTheChannelsWords()
    {
        var errors = Simulator().Validate(Request("", ""));

        Assert.Equal("Phone number is required.", errors["customerId"]);
        Assert.Equal("Write what the customer says.", errors["text"]);
    }

    [Fact]
    public void Validate_CustomerIdTheChannelCannotUse_ShowsTheChannelsExample()
    {
        var errors = Simulator().Validate(Request("not a phone", "Hi"));

        Assert.Equal("Not a valid phone number (for example +49 151 23456789).", errors["customerId"]);
    }

    [Fact]
    public void Validate_ChannelWithoutASimulator_IsRefused()
    {
        var errors = Simulator().Validate(new SimulationRequest(ChannelKind.TikTok, new SimulatedMessage("someone", "Hi")));

        Assert.Equal("No simulator is registered for TikTok.", errors["channel"]);
    }

    [Fact]
    public void Validate_VouchedWithNothingToVouchFor_IsRefused()
    {
        var errors = Simulator().Validate(Request("+4915112345678", "Hi") with { Message = new SimulatedMessage("+4915112345678", "Hi") { Vouched = true } });

        Assert.Equal("The website can only vouch for an email or phone the visitor gave.", errors["claimedEmail"]);
    }

    [Fact]
    public void Validate_BadSharedPhoneAndClaimedEmail_AreRefusedOnTheirFields()
    {
        var message = new SimulatedMessage("+4915112345678", "Hi") { SharedPhone = "call me", ClaimedEmail = "not-an-address" };

        var errors = Simulator().Validate(new SimulationRequest(ChannelKind.WhatsApp, message));

        Assert.Equal("Not a phone number.", errors["sharedPhone"]);
        Assert.Equal("Not an email address.", errors["claimedEmail"]);
    }

    [Fact]
    public async Task Send_WithoutASelfBaseUrl_PostsToTheBaseUrlTheBrowserUsed()
    {
        var sent = await Simulator().SendAsync(Request("+49 151 12345678", "Hi"), BrowserBase, CancellationToken.None);

        Assert.Equal(BrowserBase, whatsApp.PostedTo);
        Assert.Equal(BrowserBase, sent.Target);
        Assert.Equal("4915112345678", sent.ExternalId);
        Assert.True(sent.Result.Accepted);
    }

    [Fact]
    public async Task Send_WithASelfBaseUrl_PostsThereInstead()
    {
        var simulator = Simulator(new SimulatorOptions { Enabled = true, SelfBaseUrl = "http://127.0.0.1:8080" });

        await simulator.SendAsync(Request("+49 151 12345678", "Hi"), BrowserBase, CancellationToken.None);

        Assert.Equal(new Uri("http://127.0.0.1:8080/"), whatsApp.PostedTo);
    }

    [Fact]
    public async Task Send_WhenNothingAnswers_SaysWhereItPostedAndWhichSettingFixesIt()
    {
        var unreachable = new Uri("http://127.0.0.1:1/");
        var simulator = Simulator(new SimulatorOptions { Enabled = true }, new UnreachableSimulator());

        var sent = await simulator.SendAsync(Request("+49 151 12345678", "Hi"), unreachable, CancellationToken.None);

        Assert.Equal(0, sent.Result.StatusCode);
        Assert.Contains("No answer from http://127.0.0.1:1/", sent.Result.Detail);
        Assert.Contains("Simulator:SelfBaseUrl", sent.Result.Detail);
    }

    [Fact]
    public async Task Send_WhenDisabled_IsRefused()
    {
        var simulator = Simulator(new SimulatorOptions { Enabled = false });

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            simulator.SendAsync(Request("+49 151 12345678", "Hi"), BrowserBase, CancellationToken.None));
        Assert.Null(whatsApp.PostedTo);
    }

    private static SimulationRequest Request(string customerId, string text) =>
        new(ChannelKind.WhatsApp, new SimulatedMessage(customerId, text));

    private CustomerSimulator Simulator(SimulatorOptions? options = null, IChannelSimulator? channel = null) => new(
        [channel ?? whatsApp], new PlainHttpClients(), Phones,
        Options.Create(options ?? new SimulatorOptions { Enabled = true }), NullLogger<CustomerSimulator>.Instance);

    private static readonly PhoneNumberNormalizer Phones = new(Options.Create(new PhoneOptions { DefaultRegion = "DE" }));

    /// <summary>A WhatsApp-like simulator that records where it was asked to post.</summary>
    private sealed class RecordingSimulator : IChannelSimulator
    {
        public Uri? PostedTo { get; private set; }

        public ChannelKind Channel => ChannelKind.WhatsApp;

        public string CustomerIdLabel => "Phone number";

        public string CustomerIdExample => "+49 151 23456789";

        public Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
        {
            PostedTo = self.BaseAddress;
            return Task.FromResult(new SimulationResult(200, null));
        }

        public string ExternalIdOf(SimulatedMessage message) =>
            (Phones.Normalize(message.CustomerId) ?? throw new ArgumentException("not a phone", nameof(message))).TrimStart('+');
    }

    /// <summary>Really posts, to wherever the simulator points it.</summary>
    private sealed class UnreachableSimulator : IChannelSimulator
    {
        public ChannelKind Channel => ChannelKind.WhatsApp;

        public string CustomerIdLabel => "Phone number";

        public string CustomerIdExample => "+49 151 23456789";

        public async Task<SimulationResult> SendAsync(HttpClient self, SimulatedMessage message, CancellationToken cancellationToken)
        {
            using var response = await self.PostAsync("webhooks/whatsapp", new StringContent("{}"), cancellationToken);
            return new SimulationResult((int)response.StatusCode, null);
        }

        public string ExternalIdOf(SimulatedMessage message) => message.CustomerId;
    }

    private sealed class PlainHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
