using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// Sends replies over SMTP (MailKit), one connection per message. The external id is our Message-ID, which the customer's
/// reply carries back in In-Reply-To. References continue the thread: the replied-to mail's own parent, then that mail.
/// </summary>
public sealed class EmailOutboundChannel(
    IOptions<EmailOptions> options, IDbContextFactory<FlowsDbContext> dbs, TimeProvider time, ILogger<EmailOutboundChannel> logger)
    : IOutboundChannel
{
    public ChannelKind Channel => ChannelKind.Email;

    public async Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var references = await ReferencesAsync(message.EmailInReplyTo, cancellationToken);
        var mime = EmailComposer.Compose(message, settings, time.GetUtcNow(), references);
        var progress = new DataProgress();
        using var smtp = new SmtpClient { Timeout = (int)settings.Smtp.Timeout.TotalMilliseconds };
        try
        {
            await smtp.ConnectAsync(settings.Smtp.Host ?? "", settings.Smtp.Port, settings.Smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.Smtp.UserName))
            {
                await smtp.AuthenticateAsync(settings.Smtp.UserName, settings.Smtp.Password ?? "", cancellationToken);
            }

            await smtp.SendAsync(mime, cancellationToken, progress);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var outcome = SmtpSendFailure.Classify(exception, progress.DataSent);
            logger.LogWarning(exception, "SMTP send of {MessageId} via {SmtpHost} failed: {Outcome}", message.MessageId, settings.Smtp.Host, outcome);
            return outcome;
        }

        await QuitAsync(smtp);
        return new SendOutcome.Accepted(EmailComposer.MessageIdOf(message.MessageId, settings));
    }

    private async Task<IReadOnlyList<string>> ReferencesAsync(string? inReplyTo, CancellationToken cancellationToken)
    {
        if (inReplyTo is null)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var grandparent = await db.Messages.AsNoTracking()
            .Where(m => m.Channel == ChannelKind.Email && m.EmailMessageId == inReplyTo)
            .Select(m => m.EmailInReplyTo)
            .FirstOrDefaultAsync(cancellationToken);
        return grandparent is null ? [inReplyTo] : [grandparent, inReplyTo];
    }

    /// <summary>The message was accepted; a failing QUIT changes nothing about that.</summary>
    private async Task QuitAsync(SmtpClient smtp)
    {
        try
        {
            await smtp.DisconnectAsync(quit: true);
        }
        catch (Exception exception) when (exception is IOException or SmtpProtocolException or SmtpCommandException)
        {
            logger.LogDebug(exception, "SMTP QUIT failed after the message was accepted");
        }
    }

    /// <summary>Notes that message data went out (MailKit reports progress only while writing it, after DATA).</summary>
    private sealed class DataProgress : ITransferProgress
    {
        public bool DataSent { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => DataSent |= bytesTransferred > 0;

        public void Report(long bytesTransferred) => DataSent |= bytesTransferred > 0;
    }
}
