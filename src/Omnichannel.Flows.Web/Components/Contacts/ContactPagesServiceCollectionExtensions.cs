namespace Omnichannel.Flows.Web.Components.Contacts;

public static class ContactPagesServiceCollectionExtensions
{
    /// <summary>What the contact pages need besides the platform's contacts and conversations services.</summary>
    public static IServiceCollection AddContactPages(this IServiceCollection services)
    {
        services.AddTransient<ContactThread>();
        return services;
    }
}
