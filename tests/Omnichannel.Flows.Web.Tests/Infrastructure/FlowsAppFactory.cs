using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>
/// The real app over a real SQLite file in a temp folder, with every channel live against <see cref="Provider"/> and a
/// fake clock. One per test class (IClassFixture); each test makes its own customers so tests do not see each other.
/// </summary>
public class FlowsAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Pa55word!";

    public FakeProviderServer Provider { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "omnichannel-tests", Guid.NewGuid().ToString("N"));

    public TestSecrets Secrets { get; } = new();

    /// <summary>Settings on top of the defaults below; override to change modes or options.</summary>
    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Services on top of the app's (after the test clock); override to add or replace some.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var provider = Provider.BaseUrl.ToString().TrimEnd('/');
        var settings = new Dictionary<string, string?>
        {
            ["Database:DataPath"] = DataPath,
            ["Auth:Admin:Email"] = AdminEmail,
            ["Auth:Admin:Password"] = AdminPassword,
            ["Jobs:WorkerCount"] = "4",
            ["Jobs:SchedulePollingInterval"] = "00:00:00.200",
            ["Webhooks:PollInterval"] = "00:00:00.500",
            ["Phone:DefaultRegion"] = "DE",
            ["Channels:WhatsApp:VerifyToken"] = Secrets.WhatsAppVerifyToken,
            ["Channels:WhatsApp:AppSecret"] = Secrets.WhatsAppAppSecret,
            ["Channels:WhatsApp:AccessToken"] = "wa-access-token",
            ["Channels:WhatsApp:PhoneNumberId"] = "109876543210",
            ["Channels:WhatsApp:BusinessAccountId"] = "WABA-1",
            ["Channels:WhatsApp:GraphBaseUrl"] = provider,
            ["Channels:Messenger:VerifyToken"] = Secrets.MessengerVerifyToken,
            ["Channels:Messenger:AppSecret"] = Secrets.MessengerAppSecret,
            ["Channels:Messenger:PageAccessToken"] = "page-access-token",
            ["Channels:Messenger:GraphBaseUrl"] = provider,
            ["Channels:Messenger:HumanAgentTagApproved"] = "true",
            ["Channels:Instagram:VerifyToken"] = Secrets.InstagramVerifyToken,
            ["Channels:Instagram:AppSecret"] = Secrets.InstagramAppSecret,
            ["Channels:Instagram:AccessToken"] = "ig-access-token",
            ["Channels:Instagram:GraphBaseUrl"] = provider,
            ["Channels:Instagram:HumanAgentTagApproved"] = "true",
            ["Channels:Sms:AccountSid"] = "ACtest",
            ["Channels:Sms:AuthToken"] = Secrets.TwilioAuthToken,
            ["Channels:Sms:FromNumber"] = "+15550001111",
            ["Channels:Sms:WebhookUrl"] = TestSecrets.TwilioWebhookUrl,
            ["Channels:Sms:ApiBaseUrl"] = provider,
            ["Channels:Telegram:BotToken"] = TestSecrets.TelegramBotToken,
            ["Channels:Telegram:SecretToken"] = Secrets.TelegramSecretToken,
            ["Channels:Telegram:ApiBaseUrl"] = provider,
            ["Channels:TikTok:ClientSecret"] = Secrets.TikTokClientSecret,
            ["Channels:TikTok:AccessToken"] = "tt-access-token",
            ["Channels:TikTok:BusinessId"] = TestSecrets.TikTokBusinessId,
            ["Channels:TikTok:ApiBaseUrl"] = provider,
            ["Channels:Email:SigningKey"] = Secrets.EmailSigningKey,
            ["Channels:Email:FromAddress"] = "support@flows.test",
            ["Channels:Email:FromName"] = "Flows Support",
            ["Channels:Email:Smtp:Host"] = "127.0.0.1",
            ["Channels:Email:Smtp:Security"] = "None",
            ["Channels:WebChat:IdentitySecret"] = Secrets.WebChatIdentitySecret,
            ["Channels:WebChat:AllowedOrigins:0"] = "https://shop.example",
            ["Channels:WebChat:RateLimit:SessionsPerWindow"] = "1000",
            ["Channels:WebChat:RateLimit:MessagesPerWindow"] = "1000",
        };
        Configure(settings);

        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            // Tests move the clock by days; tokens must outlive that.
            services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromDays(365));
            ConfigureServices(services);
        });
    }

    public ValueTask InitializeAsync()
    {
        _ = Services; // start the host: migrations, bootstrap admin, background services
        return ValueTask.CompletedTask;
    }

    public async Task<HttpClient> CreateAdminClientAsync() => await CreateClientForAsync(AdminEmail, AdminPassword);

    /// <summary>A new user with <paramref name="role"/> (Admin, Marketing, Agent), signed in.</summary>
    public async Task<HttpClient> CreateClientWithRoleAsync(string role)
    {
        using var admin = await CreateAdminClientAsync();
        var email = TestData.NewEmail();
        (await admin.PostAsJsonAsync("/api/users", new { email, password = "Some-Pa55word!", roles = new[] { role } })).EnsureSuccessStatusCode();
        return await CreateClientForAsync(email, "Some-Pa55word!");
    }

    public async Task<HttpClient> CreateClientForAsync(string email, string password)
    {
        var client = CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Waits until every stored webhook delivery has been processed by the background pump.</summary>
    public async Task WaitForInboundProcessingAsync(TimeSpan? timeout = null)
    {
        var pump = Services.GetRequiredService<InboundEventPump>();
        var deadline = Task.Delay(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var pass = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnPass() => pass.TrySetResult();
            pump.PassCompleted += OnPass;
            try
            {
                await using (var db = await CreateDbContextAsync())
                {
                    if (!await db.InboundEvents.AnyAsync(e => e.State == InboundEventState.Pending && e.Attempts == 0))
                    {
                        return;
                    }
                }

                pump.Signal();
                if (await Task.WhenAny(pass.Task, deadline) == deadline)
                {
                    throw new TimeoutException("Webhook deliveries were not processed in time.");
                }
            }
            finally
            {
                pump.PassCompleted -= OnPass;
            }
        }
    }

    /// <summary>Waits until the message satisfies <paramref name="condition"/> (checked on every status change).</summary>
    public async Task<Message> WaitForMessageAsync(Guid messageId, Func<Message, bool> condition, TimeSpan? timeout = null)
    {
        var events = Services.GetRequiredService<ConversationEvents>();
        var changed = new SemaphoreSlim(0);
        using var subscription = events.Subscribe(e =>
        {
            if (e is MessageStatusChanged s && s.MessageId == messageId)
            {
                changed.Release();
            }
        });
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            await using (var db = await CreateDbContextAsync())
            {
                var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId, cancellation.Token);
                if (message is not null && condition(message))
                {
                    return message;
                }
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(250), cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Message {messageId} did not reach the expected state in time.");
            }
        }
    }

    public Task<FlowsDbContext> CreateDbContextAsync() =>
        Services.GetRequiredService<IDbContextFactory<FlowsDbContext>>().CreateDbContextAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file on some platforms; the temp folder is cleaned by the OS.
        }
    }

    private sealed record TokenResponse(string AccessToken);
}

/// <summary>The secrets the test host's channels are configured with, so tests can sign as the providers do.</summary>
public sealed class TestSecrets
{
    public string WhatsAppAppSecret { get; } = "wa-app-secret-" + Guid.NewGuid().ToString("N");
    public string WhatsAppVerifyToken { get; } = "wa-verify-token";
    public string MessengerAppSecret { get; } = "fb-app-secret-" + Guid.NewGuid().ToString("N");
    public string MessengerVerifyToken { get; } = "fb-verify-token";
    public string InstagramAppSecret { get; } = "ig-app-secret-" + Guid.NewGuid().ToString("N");
    public string InstagramVerifyToken { get; } = "ig-verify-token";

    public const string TwilioWebhookUrl = "https://flows.example.com";
    public string TwilioAuthToken { get; } = "twilio-auth-token-" + Guid.NewGuid().ToString("N");

    public const string TelegramBotToken = "123456:telegram-bot-token";
    public string TelegramSecretToken { get; } = "tg-secret-" + Guid.NewGuid().ToString("N");

    public const string TikTokBusinessId = "tt-business-1";
    public string TikTokClientSecret { get; } = "tt-client-secret-" + Guid.NewGuid().ToString("N");
    public string EmailSigningKey { get; } = "email-signing-key-" + Guid.NewGuid().ToString("N");
    public string WebChatIdentitySecret { get; } = "webchat-identity-secret-" + Guid.NewGuid().ToString("N");
}
