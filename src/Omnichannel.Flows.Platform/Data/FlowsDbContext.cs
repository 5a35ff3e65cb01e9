using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.WebChat;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// The one database of the platform. Each provider has its own subclass so that it can carry its own migration set
/// (<see cref="SqliteFlowsDbContext"/>, <see cref="SqlServerFlowsDbContext"/>); code depends on this type only.
/// </summary>
public abstract class FlowsDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactPhone> ContactPhones => Set<ContactPhone>();
    public DbSet<ContactEmail> ContactEmails => Set<ContactEmail>();
    public DbSet<ContactTag> ContactTags => Set<ContactTag>();
    public DbSet<ContactField> ContactFields => Set<ContactField>();
    public DbSet<ChannelIdentity> ChannelIdentities => Set<ChannelIdentity>();
    public DbSet<MergeSuggestion> MergeSuggestions => Set<MergeSuggestion>();
    public DbSet<ContactMergeRecord> ContactMerges => Set<ContactMergeRecord>();
    public DbSet<ContactErasureRecord> ContactErasures => Set<ContactErasureRecord>();

    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<PendingDeliveryStatus> PendingDeliveryStatuses => Set<PendingDeliveryStatus>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();
    public DbSet<WebhookNonce> WebhookNonces => Set<WebhookNonce>();
    public DbSet<WebChatSession> WebChatSessions => Set<WebChatSession>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FlowsDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare DateTimeOffset: every instant is a UTC DateTime, read back as Kind=Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
