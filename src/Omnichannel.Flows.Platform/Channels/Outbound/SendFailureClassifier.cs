using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Omnichannel.Flows.Platform.Channels.Outbound;

/// <summary>
/// Decides what an exception from a provider call means for the message: a call that never reached the provider can be
/// retried; one that broke after the request went out may have sent the message and must not be repeated blindly.
/// </summary>
public static class SendFailureClassifier
{
    public static SendOutcome Classify(Exception exception) => exception switch
    {
        BrokenCircuitException => new SendOutcome.RetryLater(null, "provider_unavailable", "The provider is failing; the circuit is open."),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } http =>
            new SendOutcome.RetryLater(null, "connection_failed", http.Message),
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } http =>
            new SendOutcome.RetryLater(null, "connection_failed", http.Message),
        TimeoutRejectedException or TaskCanceledException or OperationCanceledException =>
            new SendOutcome.Unknown("The provider did not answer in time; the message may have been sent."),
        _ => new SendOutcome.Unknown($"The provider call failed mid-way: {exception.Message}"),
    };
}
