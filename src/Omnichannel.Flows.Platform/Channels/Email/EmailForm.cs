using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using MimeKit;
using MimeKit.IO;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// The fields and attachments of an inbound-parse webhook body: <c>application/x-www-form-urlencoded</c>, or
/// <c>multipart/form-data</c> when the mail has attachments. Attachments are kept as metadata only (name, type, size).
/// Field names are matched case-insensitively; empty fields count as absent.
/// </summary>
public sealed class EmailForm
{
    private readonly Dictionary<string, string> fields;

    private EmailForm(Dictionary<string, string> fields, IReadOnlyList<EmailAttachment> attachments)
    {
        this.fields = fields;
        Attachments = attachments;
    }

    public IReadOnlyList<EmailAttachment> Attachments { get; }

    public string? this[string name] => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <exception cref="InboundPayloadException">The body is not a form of either kind.</exception>
    public static EmailForm Read(byte[] body, string? contentType)
    {
        if (!ContentType.TryParse(contentType ?? "", out var type))
        {
            throw new InboundPayloadException(
                "Content-Type must be application/x-www-form-urlencoded or multipart/form-data.", "");
        }

        if (type.IsMimeType("application", "x-www-form-urlencoded"))
        {
            return ReadUrlEncoded(body);
        }

        if (type.IsMimeType("multipart", "form-data"))
        {
            return ReadMultipart(body, type);
        }

        throw new InboundPayloadException(
            $"Content-Type is {type.MimeType}; it must be application/x-www-form-urlencoded or multipart/form-data.", "");
    }

    private static EmailForm ReadUrlEncoded(byte[] body)
    {
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body)) { ValueLengthLimit = Math.Max(body.Length, 1) };
            var form = reader.ReadForm();
            return new EmailForm(
                form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase), []);
        }
        catch (InvalidDataException exception)
        {
            throw new InboundPayloadException($"The form does not parse: {exception.Message}", "");
        }
    }

    private static EmailForm ReadMultipart(byte[] body, ContentType type)
    {
        if (string.IsNullOrEmpty(type.Boundary))
        {
            throw new InboundPayloadException("multipart/form-data needs a boundary parameter.", "");
        }

        using var stream = new MemoryStream(body, writable: false);
        if (MimeEntity.Load(type, stream) is not Multipart multipart || multipart.Count == 0)
        {
            throw new InboundPayloadException("The multipart body has no parts.", "");
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var attachments = new List<EmailAttachment>();
        foreach (var part in multipart.OfType<MimePart>())
        {
            var name = part.ContentDisposition?.Parameters["name"];
            if (part.ContentDisposition?.FileName is { } fileName)
            {
                using var measure = new MeasuringStream();
                part.Content?.DecodeTo(measure);
                attachments.Add(new EmailAttachment(fileName, part.ContentType.MimeType, measure.Length));
            }
            else if (!string.IsNullOrEmpty(name))
            {
                fields.TryAdd(name, Text(part));
            }
        }

        return new EmailForm(fields, attachments);
    }

    private static string Text(MimePart part)
    {
        if (part.Content is null)
        {
            return "";
        }

        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded);
        var encoding = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
        return encoding.GetString(decoded.GetBuffer(), 0, (int)decoded.Length);
    }
}

/// <summary>An attachment's metadata; its content is not downloaded or kept.</summary>
public sealed record EmailAttachment(string Name, string Type, long Size);
