using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Simulator;

/// <summary>What an admin asks the simulator to send: a customer message on one channel.</summary>
public sealed record SimulationRequest(ChannelKind Channel, SimulatedMessage Message);

/// <summary>The webhook's answer, the address it was posted to, and the channel identity the customer has.</summary>
public sealed record SimulationSent(SimulationResult Result, Uri Target, ChannelKind Channel, string? ExternalId);

/// <summary>
/// Plays a customer: validates what the admin typed and posts it through the channel's real webhook endpoint over HTTP,
/// to this app's own base URL (<see cref="SimulatorOptions.SelfBaseUrl"/>, else the URL the admin's browser uses).
/// Works for whatever <see cref="IChannelSimulator"/>s the channels registered.
/// </summary>
public sealed class CustomerSimulator(
    IEnumerable<IChannelSimulator> simulators,
    IHttpClientFactory httpClients,
    PhoneNumberNormalizer phones,
    IOptions<SimulatorOptions> options,
    ILogger<CustomerSimulator> logger)
{
    public const string HttpClientName = "Omnichannel.Simulator";

    private readonly IReadOnlyList<IChannelSimulator> channels = [.. simulators.OrderBy(s => s.Channel)];

    public bool Enabled => options.Value.Enabled == true;

    /// <summary>The channels a customer can be simulated on, in <see cref="ChannelKind"/> order.</summary>
    public IReadOnlyList<IChannelSimulator> Channels => channels;

    public IChannelSimulator? For(ChannelKind channel) => channels.FirstOrDefault(s => s.Channel == channel);

    /// <summary>What is wrong with the request, by field (<c>customerId</c>, <c>text</c>, …); empty when it can be sent.</summary>
    public IReadOnlyDictionary<string, string> Validate(SimulationRequest request)
    {
        var errors = new Dictionary<string, string>();
        var message = request.Message;
        if (For(request.Channel) is not { } simulator)
        {
            errors["channel"] = $"No simulator is registered for {ChannelOverview.DisplayName(request.Channel)}.";
            return errors;
        }

        if (string.IsNullOrWhiteSpace(message.CustomerId))
        {
            errors["customerId"] = $"{simulator.CustomerIdLabel} is required.";
        }
        else if (!IsValidCustomerId(simulator, message))
        {
            errors["customerId"] = $"Not a valid {simulator.CustomerIdLabel.ToLowerInvariant()} (for example {simulator.CustomerIdExample}).";
        }

        if (string.IsNullOrWhiteSpace(message.Text))
        {
            errors["text"] = "Write what the customer says.";
        }
        else if (message.Text.Length > ThreadApi.MaxTextLength)
        {
            errors["text"] = $"At most {ThreadApi.MaxTextLength} characters.";
        }

        if (!string.IsNullOrWhiteSpace(message.SharedPhone) && phones.Normalize(message.SharedPhone) is null)
        {
            errors["sharedPhone"] = "Not a phone number.";
        }

        if (!string.IsNullOrWhiteSpace(message.ClaimedEmail) && EmailAddresses.Normalize(message.ClaimedEmail) is null)
        {
            errors["claimedEmail"] = "Not an email address.";
        }
        else if (message.Vouched && string.IsNullOrWhiteSpace(message.ClaimedEmail) && string.IsNullOrWhiteSpace(message.SharedPhone))
        {
            errors["claimedEmail"] = "The website can only vouch for an email or phone the visitor gave.";
        }

        return errors;
    }

    /// <param name="browserBaseUri">The base URI the admin's browser used; the fallback when no self URL is configured.</param>
    public async Task<SimulationSent> SendAsync(SimulationRequest request, Uri browserBaseUri, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("The customer simulator is disabled (Simulator:Enabled).");
        }

        if (Validate(request) is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors.Values), nameof(request));
        }

        var simulator = For(request.Channel)!;
        var target = SelfBaseUrl(browserBaseUri);
        using var client = httpClients.CreateClient(HttpClientName);
        client.BaseAddress = target;
        SimulationResult result;
        try
        {
            result = await simulator.SendAsync(client, request.Message, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "The simulator could not reach its own {Channel} webhook at {BaseUrl}", request.Channel, target);
            result = new SimulationResult(0,
                $"No answer from {target}: {exception.Message} Set Simulator:SelfBaseUrl to an address this server can reach itself on.");
        }

        logger.LogInformation("Simulated a {Channel} customer message; the webhook answered {StatusCode}", request.Channel, result.StatusCode);
        // Asked after sending: some channels (web chat) give the customer their identity with the first message.
        var externalId = result.Accepted ? simulator.ExternalIdOf(request.Message) : TryExternalId(simulator, request.Message);
        return new SimulationSent(result, target, request.Channel, externalId);
    }

    private Uri SelfBaseUrl(Uri browserBaseUri)
    {
        var configured = options.Value.SelfBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? browserBaseUri : new Uri(configured, UriKind.Absolute);
        return baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
    }

    private static string? TryExternalId(IChannelSimulator simulator, SimulatedMessage message)
    {
        try
        {
            return simulator.ExternalIdOf(message);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsValidCustomerId(IChannelSimulator simulator, SimulatedMessage message)
    {
        try
        {
            simulator.ExternalIdOf(message);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A well-formed id whose identity the channel only makes with the first message (a web chat session).
            return true;
        }
    }
}
