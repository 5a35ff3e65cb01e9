using System.Text.RegularExpressions;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary>
/// Logs Bot API calls in place of the default HttpClient logging, which would write the bot token (it is part of every
/// Bot API URL) into the logs.
/// </summary>
public sealed partial class TelegramHttpLogger(ILogger<TelegramOutboundChannel> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        logger.LogInformation("Telegram {Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:F0} ms",
            request.Method, Redact(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        logger.LogWarning(exception, "Telegram {Method} {Path} failed after {ElapsedMilliseconds:F0} ms",
            request.Method, Redact(request.RequestUri), elapsed.TotalMilliseconds);

    private static string Redact(Uri? uri) => uri is null ? "" : BotToken().Replace(uri.AbsolutePath, "/bot***/");

    /// <summary>The URL with any Bot API token replaced, for traces as well as logs.</summary>
    public static string RedactUrl(Uri uri) => BotToken().Replace(uri.GetLeftPart(UriPartial.Path), "/bot***/");

    public static bool CarriesBotToken(Uri? uri) => uri is not null && BotToken().IsMatch(uri.AbsolutePath);

    [GeneratedRegex("/bot[^/]*/")]
    private static partial Regex BotToken();
}
