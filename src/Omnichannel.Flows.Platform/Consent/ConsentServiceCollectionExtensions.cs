using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Consent;

public static class ConsentServiceCollectionExtensions
{
    /// <summary>Opt-out keywords, the consent ledger, the policy every send asks, and the answers to keywords.</summary>
    public static IServiceCollection AddConsent(this IServiceCollection services)
    {
        services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsentOptions>, ConsentOptionsValidator>();
        services.AddSingleton<ConsentKeywords>();
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<InboundConsentHandler>();
        services.AddScoped<ConsentPolicy>();
        services.AddScoped<ConsentQueries>();
        services.AddScoped<ConsentAdministration>();
        services.AddScoped<ConsentReplyJob>();
        services.AddScoped<ProviderOptOutJob>();
        services.AddHostedService<ConsentFollowUps>();
        return services;
    }
}
