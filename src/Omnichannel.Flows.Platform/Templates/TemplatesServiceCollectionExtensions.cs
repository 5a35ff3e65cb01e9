using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Templates;

public static class TemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.AddScoped<TemplateCatalog>();
        return services;
    }
}
