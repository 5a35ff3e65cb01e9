using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>The building blocks each channel's <c>Add…Channel()</c> uses to register itself the same way.</summary>
public static class ChannelRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="section"/>, resolves its mode and validates it at start.</summary>
    public static IServiceCollection AddChannelOptions<TOptions>(this IServiceCollection services, ChannelKind channel, string section)
        where TOptions : ChannelOptions
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<TOptions>, ChannelModeResolver<TOptions>>();
        services.AddSingleton<IValidateOptions<TOptions>>(new ChannelCredentialsValidator<TOptions>(section));
        services.AddSingleton(sp => new ChannelOptionsAccessor(channel, () => sp.GetRequiredService<IOptions<TOptions>>().Value));
        return services;
    }

    public static IServiceCollection AddInboundChannel<TInbound>(this IServiceCollection services, ChannelKind channel)
        where TInbound : class, IInboundChannel
    {
        services.AddSingleton<TInbound>();
        services.AddKeyedSingleton<IInboundChannel>(channel, (sp, _) => sp.GetRequiredService<TInbound>());
        return services;
    }

    /// <summary>An outbound adapter that is not an HTTP client (SMTP, the web chat hub); one instance serves every send.</summary>
    public static IServiceCollection AddOutboundChannel<TOutbound>(this IServiceCollection services, ChannelKind channel)
        where TOutbound : class, IOutboundChannel
    {
        services.AddSingleton<TOutbound>();
        services.AddKeyedSingleton<IOutboundChannel>(channel, (sp, _) => sp.GetRequiredService<TOutbound>());
        return services;
    }

    /// <summary>
    /// Registers an outbound adapter as a typed <see cref="HttpClient"/> with standard resilience. Sends are POSTs that
    /// must not be repeated blindly, so the HTTP pipeline does not retry them: the outbox decides (see
    /// <see cref="Outbound.OutboundDispatchJob"/>).
    /// </summary>
    public static IHttpClientBuilder AddOutboundChannel<TOutbound>(
        this IServiceCollection services, ChannelKind channel, Action<IServiceProvider, HttpClient> configureClient)
        where TOutbound : class, IOutboundChannel
    {
        services.AddKeyedTransient<IOutboundChannel>(channel, (sp, _) => sp.GetRequiredService<TOutbound>());
        var builder = services.AddHttpClient<TOutbound>(configureClient);
        builder.AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
        return builder;
    }

    /// <summary>A provider's base URL as an <see cref="HttpClient.BaseAddress"/>: relative request paths then append to it.</summary>
    public static Uri BaseAddress(string baseUrl) => new(baseUrl.TrimEnd('/') + "/");

    /// <summary>Maps a provider's webhook POST to the shared ingest path (verify → store → answer → process later).</summary>
    public static RouteHandlerBuilder MapWebhook(this IEndpointRouteBuilder app, string path, ChannelKind channel) =>
        app.MapPost(path, (HttpContext context, WebhookIngestion ingestion) => ingestion.HandleAsync(channel, context));
}
