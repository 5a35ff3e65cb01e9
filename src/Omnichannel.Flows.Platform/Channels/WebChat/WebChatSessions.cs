using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Opens a visitor's session; the visitor's identity is <c>(webchat, session id)</c>. An email or phone the website
/// vouched for (a valid <c>identityHash</c>) is proven: the session joins the profile that owns it. An unvouched claim
/// stays, unverified, on the visitor's own profile and raises a merge suggestion when another profile owns it —
/// otherwise typing someone's address would open their thread.
/// </summary>
public sealed class WebChatSessions(
    FlowsDbContext db, IdentityMatcher matcher, PhoneNumberNormalizer phones, IOptions<WebChatOptions> options,
    TimeProvider time, ILogger<WebChatSessions> logger)
{
    private const int MaxNameLength = 100;

    public async Task<WebChatSessionResult> CreateAsync(CreateWebChatSessionRequest request, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > MaxNameLength })
        {
            return WebChatSessionResult.Invalid("name", $"name has at most {MaxNameLength} characters.");
        }

        var email = EmailAddresses.Normalize(request.Email);
        if (!string.IsNullOrWhiteSpace(request.Email) && email is null)
        {
            return WebChatSessionResult.Invalid("email", "email is not an email address.");
        }

        var phone = phones.Normalize(request.Phone);
        if (!string.IsNullOrWhiteSpace(request.Phone) && phone is null)
        {
            return WebChatSessionResult.Invalid("phone", "phone is not a phone number; use the international form, e.g. +49 151 23456789.");
        }

        var claimed = email is not null ? request.Email!.Trim() : phone is not null ? request.Phone!.Trim() : null;
        if (request.IdentityHash is { } hash && (hash.Length != 64 || !HexHmac.IsHex(hash) || claimed is null))
        {
            return WebChatSessionResult.Invalid("identityHash", claimed is null
                ? "identityHash vouches for an email or phone; send the one it was computed from."
                : "identityHash must be 64 hex characters: HMAC-SHA256 of the email (or the phone when no email is given) under the identity secret.");
        }

        var vouched = claimed is not null && HexHmac.Matches(options.Value.IdentitySecret, claimed, request.IdentityHash);
        if (request.IdentityHash is not null && !vouched)
        {
            logger.LogWarning("A web chat identityHash did not verify; the visitor's claim stays unverified");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var sessionId = Guids.NewVersion7();
        var (token, tokenHash) = WebChatTokens.Issue(sessionId);
        var session = new WebChatSession { Id = sessionId, TokenHash = tokenHash, CreatedAt = now, LastSeenAt = now };
        var customer = new CustomerIdentity(session.Id.ToString())
        {
            DisplayName = name,
            ProvenEmail = vouched ? email : null,
            ProvenPhone = vouched && email is null ? phone : null,
        };
        var (contact, _) = await matcher.ResolveAsync(db, ChannelKind.WebChat, customer, known: null, cancellationToken);
        if (email is not null && customer.ProvenEmail is null)
        {
            await matcher.AddEmailAsync(db, contact, email, verified: false, now, cancellationToken);
        }

        if (phone is not null && customer.ProvenPhone is null)
        {
            await matcher.AddPhoneAsync(db, contact, phone, verified: false, now, cancellationToken);
        }

        session.ContactId = contact.Id;
        db.WebChatSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Web chat session {SessionId} opened for contact {ContactId} (identity vouched: {Vouched})", session.Id, contact.Id, vouched);
        return WebChatSessionResult.Created(new WebChatSessionCreated(session.Id, token, vouched));
    }
}

public sealed record WebChatSessionResult(WebChatSessionCreated? Session, string? Field, string? Error)
{
    public static WebChatSessionResult Created(WebChatSessionCreated session) => new(session, null, null);

    public static WebChatSessionResult Invalid(string field, string error) => new(null, field, error);
}
