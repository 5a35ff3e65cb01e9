namespace Omnichannel.Flows.Bench.Baseline;

internal static class RequestBody
{
    private const int MaxBytes = 1024 * 1024;

    /// <summary>The raw body (the signature covers the exact bytes), up to 1 MiB.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and <= MaxBytes and var length ? (int)length : 4096);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            throw new BadHttpRequestException("Body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        return buffer.ToArray();
    }
}
