using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ConversationEvents>();
        services.AddSingleton<MentionScanner>();
        services.AddSingleton<OutboundEchoMatcher>();
        services.AddSingleton<InboundMessageRecorder>();
        services.AddSingleton<DeliveryStatusRecorder>();
        services.AddSingleton<InboundItemHandler>();
        services.AddSingleton<RecipientResolver>();
        services.AddScoped<MessageSender>();
        services.AddScoped<TeamAdministration>();
        services.AddScoped<ThreadQueries>();
        services.AddScoped<ConversationHandling>();
        return services;
    }

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app) =>
        app.MapThreadApi().MapConversationApi().MapTeamsApi();
}
