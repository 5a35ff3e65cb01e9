using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.WhatsApp;

namespace Omnichannel.Flows.Platform.Templates;

public static class TemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.AddScoped<TemplateCatalog>();
        services.AddScoped<TemplateQueries>();
        services.AddScoped<WhatsAppTemplateSync>();
        services.AddScoped<WhatsAppTemplateSubmitter>();
        services.AddScoped<SavedReplyAdministration>();
        services.AddScoped<SavedReplyRenderer>();
        services.AddSingleton<TemplateSyncGate>();
        services.AddSingleton<TemplateChangeRecorder>();

        // Listing is a GET and safe to retry; a submission is a POST that must not be repeated blindly.
        services.AddHttpClient<WhatsAppTemplateGraph>((sp, http) =>
                http.BaseAddress = ChannelRegistration.BaseAddress(sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value.GraphBaseUrl))
            .AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
        return services;
    }
}
