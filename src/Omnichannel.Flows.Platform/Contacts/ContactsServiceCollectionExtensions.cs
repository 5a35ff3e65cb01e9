using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Contacts;

public static class ContactsServiceCollectionExtensions
{
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PhoneNumberNormalizer>();
        services.AddSingleton<MergeSuggestions>();
        services.AddSingleton<IdentityMatcher>();
        services.AddScoped<ContactQueries>();
        services.AddScoped<ContactTags>();
        services.AddScoped<ContactProfiles>();
        services.AddScoped<ContactMerger>();
        services.AddScoped<ContactEraser>();
        services.AddScoped<MergeSuggestionReview>();
        return services;
    }
}
