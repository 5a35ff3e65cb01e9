using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// A webhook nonce that was used (see <see cref="IReplayGuardedChannel"/>), kept until its delivery would be refused as
/// stale anyway; <see cref="InboundEventRetention"/> deletes it after that.
/// </summary>
public sealed class WebhookNonce
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public ChannelKind Channel { get; init; }

    /// <summary>SHA-256 (hex) of the nonce: one length whatever the provider's format.</summary>
    public required string NonceHash { get; init; }
    public DateTime ExpiresAt { get; init; }
}

internal sealed class WebhookNonceConfiguration : IEntityTypeConfiguration<WebhookNonce>
{
    public void Configure(EntityTypeBuilder<WebhookNonce> builder)
    {
        builder.Property(n => n.NonceHash).HasMaxLength(64);
        // A nonce is accepted once per channel: the insert of a replay fails on this index.
        builder.HasIndex(n => new { n.Channel, n.NonceHash }).IsUnique();
        builder.HasIndex(n => n.ExpiresAt);
    }
}

/// <summary>Claims webhook nonces: the first delivery with a nonce wins, every later one is a replay.</summary>
public sealed class WebhookNonces(IDbContextFactory<FlowsDbContext> dbs)
{
    /// <returns>False when the nonce was used before.</returns>
    public async Task<bool> TryClaimAsync(ChannelKind channel, ReplayNonce nonce, CancellationToken cancellationToken)
    {
        var hash = Hash(nonce.Value);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (await db.WebhookNonces.AnyAsync(n => n.Channel == channel && n.NonceHash == hash, cancellationToken))
        {
            return false;
        }

        db.WebhookNonces.Add(new WebhookNonce { Channel = channel, NonceHash = hash, ExpiresAt = nonce.RememberUntil });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            await using var check = await dbs.CreateDbContextAsync(cancellationToken);
            if (await check.WebhookNonces.AnyAsync(n => n.Channel == channel && n.NonceHash == hash, cancellationToken))
            {
                // A concurrent delivery with the same nonce won the insert.
                return false;
            }

            throw;
        }
    }

    /// <summary>Forgets a claimed nonce whose delivery could not be stored, so the provider's retry is accepted.</summary>
    public async Task ReleaseAsync(ChannelKind channel, ReplayNonce nonce)
    {
        var hash = Hash(nonce.Value);
        await using var db = await dbs.CreateDbContextAsync();
        await db.WebhookNonces.Where(n => n.Channel == channel && n.NonceHash == hash).ExecuteDeleteAsync();
    }

    private static string Hash(string nonce) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nonce)));
}
