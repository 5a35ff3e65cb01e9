using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Email;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class SmtpSendFailureTests
{
    [Theory]
    [InlineData(SmtpStatusCode.ServiceNotAvailable, "421")]
    [InlineData(SmtpStatusCode.MailboxBusy, "450")]
    [InlineData(SmtpStatusCode.ErrorInProcessing, "451")]
    [InlineData(SmtpStatusCode.InsufficientStorage, "452")]
    public void TemporaryReply_IsRetriedWithTheCode(SmtpStatusCode status, string code)
    {
        var outcome = SmtpSendFailure.Classify(new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, status, "try later"), dataSent: true);

        Assert.Equal(code, Assert.IsType<SendOutcome.RetryLater>(outcome).Code);
    }

    [Theory]
    [InlineData(SmtpStatusCode.MailboxUnavailable, "550")]
    [InlineData(SmtpStatusCode.TransactionFailed, "554")]
    public void PermanentReply_FailsWithTheCode(SmtpStatusCode status, string code)
    {
        var outcome = SmtpSendFailure.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, status, "no such user"), dataSent: false);

        var failed = Assert.IsType<SendOutcome.Failed>(outcome);
        Assert.Equal(code, failed.Code);
        Assert.Equal("no such user", failed.Reason);
    }

    [Fact]
    public void ConnectionRefused_IsRetried()
    {
        var outcome = SmtpSendFailure.Classify(new SocketException((int)SocketError.ConnectionRefused), dataSent: false);

        Assert.Equal("smtp_connection_failed", Assert.IsType<SendOutcome.RetryLater>(outcome).Code);
    }

    [Fact]
    public void BreakBeforeTheData_IsRetried_ButAfterItIsUnknown()
    {
        var broken = new SmtpProtocolException("The SMTP server has unexpectedly disconnected.");

        Assert.IsType<SendOutcome.RetryLater>(SmtpSendFailure.Classify(broken, dataSent: false));
        Assert.IsType<SendOutcome.Unknown>(SmtpSendFailure.Classify(broken, dataSent: true));
        Assert.IsType<SendOutcome.Unknown>(SmtpSendFailure.Classify(new IOException("reset"), dataSent: true));
    }

    [Fact]
    public void RefusedCredentials_Fail()
    {
        var outcome = SmtpSendFailure.Classify(new AuthenticationException("535 5.7.8 bad credentials"), dataSent: false);

        Assert.Equal("smtp_authentication", Assert.IsType<SendOutcome.Failed>(outcome).Code);
    }
}
