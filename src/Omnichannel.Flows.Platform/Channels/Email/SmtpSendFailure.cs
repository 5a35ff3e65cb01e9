using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// What an SMTP failure means for the message: a 4xx reply or a connection that failed before the message data went out
/// can be retried; a 5xx reply is final; a connection that broke once the data was being sent may or may not have
/// delivered it and must not be repeated blindly.
/// </summary>
public static class SmtpSendFailure
{
    /// <param name="dataSent">Whether any of the message data had been written (after the DATA command).</param>
    public static SendOutcome Classify(Exception exception, bool dataSent) => exception switch
    {
        SmtpCommandException { StatusCode: var code } command when (int)code is >= 400 and < 500 =>
            new SendOutcome.RetryLater(null, ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), command.Message),
        SmtpCommandException command =>
            new SendOutcome.Failed(((int)command.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), command.Message),
        AuthenticationException authentication =>
            new SendOutcome.Failed("smtp_authentication", $"The SMTP server refused the configured credentials: {authentication.Message}"),
        _ when dataSent =>
            new SendOutcome.Unknown($"The SMTP connection broke after the message data was sent: {exception.Message}"),
        SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or SslHandshakeException
            or TimeoutException or OperationCanceledException =>
            new SendOutcome.RetryLater(null, "smtp_connection_failed", exception.Message),
        _ => new SendOutcome.Failed("smtp_error", exception.Message),
    };
}
